package dev.fedlearn.workbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.protocol.Confusion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.util.PaneInformation;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTLineChart;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTLineSer;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTScatterChart;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTScatterSer;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTValAx;

class WorkbookTest {
  static final Instant T0 = Instant.parse("2026-03-14T09:26:53.589Z");
  static final List<String> ORDER = List.of(Workbook.ROUNDS, Workbook.TRAINING, Workbook.CURVES,
      Workbook.EVALUATIONS, Workbook.CONFUSION, Workbook.CLIENTS, Workbook.EVENTS, Workbook.SETTINGS, Workbook.WEIGHTS);

  /**
   * Three clients, three closed rounds and an open fourth. Round 1: a, b and c train 3 epochs; round 2: a and b (c is
   * not picked); round 3: a and b 3 epochs, c without its epochs; round 4 (open): a, 2 epochs. 23 epochs in all.
   * Global accuracy 88.5%, 91.2%, 93.4%; every client's between 88% and 94%; the initial model 9.87%.
   */
  static RunReport report() {
    List<RunReport.Client> clients = List.of(
        new RunReport.Client("a", 600, 100, T0),
        new RunReport.Client("b", 500, 90, T0.plusMillis(250)),
        new RunReport.Client("c", 400, 80, null));
    List<RunReport.Round> rounds = List.of(
        round(1, 0.885, 0.8867, List.of(training("a", 1, 3, 0.90), training("b", 1, 3, 0.91),
            training("c", 1, 3, 0.92)), List.of(evaluation("a", 1, 0.881), evaluation("b", 1, 0.889),
                evaluation("c", 1, 0.890))),
        round(2, 0.912, 0.9133, List.of(training("a", 2, 3, 0.93), training("b", 2, 3, 0.94)),
            List.of(evaluation("a", 2, 0.905), evaluation("b", 2, 0.915), evaluation("c", 2, 0.921))),
        round(3, 0.934, 0.9317, List.of(training("a", 3, 3, 0.95), training("b", 3, 3, 0.96),
            new RunReport.Training("c", 400, 0.3, 0.97, null, List.of())),
            List.of(evaluation("a", 3, 0.925), evaluation("b", 3, 0.936), evaluation("c", 3, 0.939))),
        new RunReport.Round(4, List.of("a"), List.of(), null, null, null, null, T0.plusSeconds(400), null,
            List.of(training("a", 4, 2, 0.96)), List.of()));
    List<RunReport.Event> events = List.of(
        new RunReport.Event(T0, "registered", null, "a", "a registered: 600 train, 100 test samples"),
        new RunReport.Event(T0.plusMillis(250), "registered", null, "b", "b registered"),
        new RunReport.Event(T0.plusSeconds(3), "refused", 1, "mallory", "unknown client: mallory"),
        new RunReport.Event(T0.plusSeconds(101), "update", 1, "a", "update of 600 samples"),
        new RunReport.Event(T0.plusSeconds(110), "aggregated", 1, null, "FedAvg of 3 updates"));
    return report(clients, rounds, events);
  }

  static RunReport report(List<RunReport.Client> clients, List<RunReport.Round> rounds, List<RunReport.Event> events) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("rounds", "4");
    settings.put("strategy", "fedavg");
    LayerSizes sizes = LayerSizes.of(2, 2);
    SortedMap<Integer, float[]> models = new TreeMap<>();
    for (int r = 0; r <= 3; r++) {
      models.put(r, new float[sizes.parameterCount()]);
    }
    return new RunReport(settings, "RUNNING in round 4 of 4", clients, rounds, 0.0987, 2.31, sizes, models, 3,
        events, Confusion.of(List.of("benign", "malignant"), new long[] {50, 2, 5, 30}));
  }

  /** Round r: started at T0 + 100 r s, ended 30 s later. */
  static RunReport.Round round(int r, double global, double mean, List<RunReport.Training> training,
      List<RunReport.Evaluation> evaluations) {
    List<String> ids = training.stream().map(RunReport.Training::clientId).toList();
    return new RunReport.Round(r, ids, ids, global, 0.3, mean, 30.0, T0.plusSeconds(100L * r),
        T0.plusSeconds(100L * r + 30), training, evaluations);
  }

  /** A client's training in round r: epochs 1..n, accuracy rising by a point an epoch to {@code last}. */
  static RunReport.Training training(String id, int r, int n, double last) {
    List<RunReport.Epoch> epochs = IntStream.rangeClosed(1, n)
        .mapToObj(e -> new RunReport.Epoch(e, 0.5 - 0.1 * e, last - 0.01 * (n - e))).toList();
    return new RunReport.Training(id, 100, 0.5 - 0.1 * n, last, T0.plusSeconds(100L * r + 10), epochs);
  }

  static RunReport.Evaluation evaluation(String id, int r, double accuracy) {
    return new RunReport.Evaluation(id, 50, 0.3, accuracy, T0.plusMillis(100_000L * r + 20_123));
  }

  static XSSFWorkbook write(RunReport report) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Workbook.write(report, out);
    return new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()));
  }

  @Test
  void theConfusionSheetGivesEachTrueClassItsFiguresAndCounts() throws IOException {
    try (XSSFWorkbook book = write(report())) {
      XSSFSheet sheet = book.getSheet(Workbook.CONFUSION);
      assertThat(sheet.getRow(0).getCell(5).getStringCellValue()).isEqualTo("Predicted benign");
      assertThat(sheet.getRow(1).getCell(0).getStringCellValue()).isEqualTo("benign");
      assertThat(sheet.getRow(1).getCell(1).getNumericCellValue()).isEqualTo(52);
      assertThat(sheet.getRow(1).getCell(2).getNumericCellValue()).isEqualTo(50.0 / 55); // precision
      assertThat(sheet.getRow(2).getCell(3).getNumericCellValue()).isEqualTo(30.0 / 35); // recall
      assertThat(sheet.getRow(2).getCell(5).getNumericCellValue()).isEqualTo(5);
      assertThat(sheet.getRow(2).getCell(6).getNumericCellValue()).isEqualTo(30);
      assertThat(sheet.getRow(3).getCell(0).getStringCellValue()).isEqualTo("macro average");
    }
  }

  @Test
  void anAsynchronousRunsRoundsAreItsVersions() throws IOException {
    RunReport plain = report();
    Map<String, String> settings = new LinkedHashMap<>(plain.settings());
    settings.put("asynchrony.bufferSize", "2");
    RunReport async = new RunReport(settings, plain.state(), plain.clients(), plain.rounds(), plain.initialAccuracy(),
        plain.initialLoss(), plain.layerSizes(), plain.models(), plain.completedRounds(), plain.events(),
        plain.confusion());
    try (XSSFWorkbook sync = write(plain); XSSFWorkbook book = write(async)) {
      assertThat(sync.getSheet(Workbook.ROUNDS).getRow(0).getCell(0).getStringCellValue()).isEqualTo("Round");
      assertThat(book.getSheet(Workbook.ROUNDS).getRow(0).getCell(0).getStringCellValue()).isEqualTo("Version");
      assertThat(book.getSheet(Workbook.ROUNDS).getDrawingPatriarch().getCharts().get(0).getTitleText().getString())
          .startsWith("Test accuracy, versions 1-3");
    }
    settings.remove("asynchrony.bufferSize");
    settings.put("mode", "async"); // as fl simulate's JSON line gives it
    assertThat(new RunReport(settings, plain.state(), plain.clients(), plain.rounds(), plain.initialAccuracy(),
        plain.initialLoss(), plain.layerSizes(), plain.models(), plain.completedRounds(), plain.events(),
        plain.confusion()).asynchronous()).isTrue();
  }

  @Test
  void clientsPersonalizationsGetASheetAfterConfusionOnlyWhenThereAreAny() throws IOException {
    RunReport plain = report();
    RunReport personalized = new RunReport(plain.settings(), plain.state(), plain.clients(), plain.rounds(),
        plain.initialAccuracy(), plain.initialLoss(), plain.layerSizes(), plain.models(), plain.completedRounds(),
        plain.events(), plain.confusion(), List.of(new RunReport.Personalized("client-1", 5, 40, 0.75, 0.95)));
    try (XSSFWorkbook book = write(personalized)) {
      assertThat(book.getSheetIndex(Workbook.PERSONALIZATION)).isEqualTo(book.getSheetIndex(Workbook.CONFUSION) + 1);
      XSSFSheet sheet = book.getSheet(Workbook.PERSONALIZATION);
      assertThat(sheet.getRow(1).getCell(0).getStringCellValue()).isEqualTo("client-1");
      assertThat(sheet.getRow(1).getCell(1).getNumericCellValue()).isEqualTo(5);
      assertThat(sheet.getRow(1).getCell(2).getNumericCellValue()).isEqualTo(40);
      assertThat(sheet.getRow(1).getCell(3).getNumericCellValue()).isEqualTo(0.75);
      assertThat(sheet.getRow(1).getCell(4).getNumericCellValue()).isEqualTo(0.95);
      assertThat(sheet.getRow(1).getCell(5).getNumericCellValue()).isCloseTo(0.2, within(1e-12));
    }
    try (XSSFWorkbook book = write(plain)) {
      assertThat(book.getSheet(Workbook.PERSONALIZATION)).isNull();
    }
  }

  @Test
  void aCrossSiteEvaluationGetsAHeatMapSheetOnlyWhenThereIsOne() throws IOException {
    RunReport plain = report();
    RunReport crossed = plain.withCrossSite(new RunReport.CrossSite(List.of("global", "client-1", "client-2"),
        List.of(new RunReport.CrossSiteRow("client-1", 40L, List.of(0.75, 0.95, 0.5)),
            new RunReport.CrossSiteRow("client-2", null, java.util.Arrays.asList(null, null, null)))));
    try (XSSFWorkbook book = write(crossed)) {
      XSSFSheet sheet = book.getSheet(Workbook.CROSS_SITE);
      assertThat(book.getSheetIndex(Workbook.CROSS_SITE)).isEqualTo(book.getSheetIndex(Workbook.CONFUSION) + 1);
      assertThat(sheet.getRow(0).getCell(2).getStringCellValue()).isEqualTo("global");
      assertThat(sheet.getRow(0).getCell(4).getStringCellValue()).isEqualTo("client-2");
      assertThat(sheet.getRow(1).getCell(0).getStringCellValue()).isEqualTo("client-1");
      assertThat(sheet.getRow(1).getCell(1).getNumericCellValue()).isEqualTo(40);
      assertThat(sheet.getRow(1).getCell(3).getNumericCellValue()).isEqualTo(0.95);
      assertThat(sheet.getRow(1).getCell(3).getCellStyle().getDataFormatString()).isEqualTo(Workbook.PERCENT_FORMAT);
      assertThat(sheet.getRow(2).getCell(2)).as("client-2 did not score").isNull();
      assertThat(sheet.getSheetConditionalFormatting().getNumConditionalFormattings()).as("the heat map").isEqualTo(1);
      assertThat(sheet.getSheetConditionalFormatting().getConditionalFormattingAt(0).getFormattingRanges()[0]
          .formatAsString()).isEqualTo("C2:E3");
    }
    try (XSSFWorkbook book = write(plain)) {
      assertThat(book.getSheet(Workbook.CROSS_SITE)).isNull();
    }
  }

  @Test
  void theSheetsComeInOrderEachWithABoldFrozenFilteredHeader() throws IOException {
    try (XSSFWorkbook book = write(report())) {
      assertThat(IntStream.range(0, book.getNumberOfSheets()).mapToObj(book::getSheetName)).containsExactlyElementsOf(
          ORDER);
      assertThat(book.getActiveSheetIndex()).isZero();
      for (String name : ORDER) {
        XSSFSheet sheet = book.getSheet(name);
        Cell first = sheet.getRow(0).getCell(0);
        assertThat(book.getFontAt(first.getCellStyle().getFontIndex()).getBold()).as(name).isTrue();
        PaneInformation pane = sheet.getPaneInformation();
        assertThat(pane).as(name).isNotNull();
        assertThat(pane.isFreezePane()).as(name).isTrue();
        assertThat(pane.getHorizontalSplitPosition()).as(name).isEqualTo((short) 1);
        assertThat(sheet.getCTWorksheet().isSetAutoFilter()).as(name + " autofilter").isTrue();
        assertThat(sheet.getCTWorksheet().getAutoFilter().getRef()).as(name).startsWith("A1:");
      }
      assertThat(book.getSheet(Workbook.ROUNDS).getCTWorksheet().getAutoFilter().getRef())
          .as("the round's columns and a, b, c; header, initial model, 3 closed rounds").isEqualTo("A1:L5");
      assertThat(book.getSheet(Workbook.EVENTS).getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:E6");
      assertThat(book.getSheet(Workbook.CURVES).getCTWorksheet().getAutoFilter().getRef()).isEqualTo("A1:E24");
      assertThat(book.getSheet(Workbook.WEIGHTS).getCTWorksheet().getAutoFilter().getRef())
          .as("5 labels and rounds 0..3; 6 parameters").isEqualTo("A1:I7");
    }
  }

  @Test
  void timesAreUtcDateTimeCellsAndMissingOnesEmpty() throws IOException {
    RunReport report = report();
    try (XSSFWorkbook book = write(report)) {
      XSSFSheet rounds = book.getSheet(Workbook.ROUNDS);
      assertThat(rounds.getRow(0).getCell(6).getStringCellValue()).isEqualTo("Started (UTC)");
      assertThat(rounds.getRow(0).getCell(7).getStringCellValue()).isEqualTo("Ended (UTC)");
      assertTime(rounds.getRow(2).getCell(6), T0.plusSeconds(100));
      assertTime(rounds.getRow(4).getCell(7), T0.plusSeconds(330));
      assertThat(rounds.getRow(1).getCell(6)).as("the initial model has no time").isNull();

      XSSFSheet training = book.getSheet(Workbook.TRAINING);
      assertThat(training.getRow(0).getCell(5).getStringCellValue()).isEqualTo("Received (UTC)");
      assertTime(training.getRow(1).getCell(5), T0.plusSeconds(110));
      assertThat(training.getRow(9).getCell(1).getStringCellValue()).isEqualTo("a");
      assertTime(training.getRow(9).getCell(5), T0.plusSeconds(410));

      XSSFSheet evaluations = book.getSheet(Workbook.EVALUATIONS);
      assertThat(evaluations.getRow(0).getCell(5).getStringCellValue()).isEqualTo("Received (UTC)");
      assertTime(evaluations.getRow(4).getCell(5), T0.plusMillis(220_123));

      XSSFSheet clients = book.getSheet(Workbook.CLIENTS);
      assertThat(clients.getRow(0).getCell(3).getStringCellValue()).isEqualTo("Registered (UTC)");
      assertTime(clients.getRow(1).getCell(3), T0);
      assertTime(clients.getRow(2).getCell(3), T0.plusMillis(250));
      assertThat(clients.getRow(3).getCell(3)).as("c's registration time is unknown").isNull();

      XSSFSheet events = book.getSheet(Workbook.EVENTS);
      assertThat(events.getRow(0).getCell(0).getStringCellValue()).isEqualTo("Time (UTC)");
      for (int i = 0; i < report.events().size(); i++) {
        assertTime(events.getRow(i + 1).getCell(0), report.events().get(i).at());
      }
    }
  }

  static void assertTime(Cell cell, Instant expected) {
    assertThat(cell).isNotNull();
    assertThat(cell.getCellType()).isEqualTo(CellType.NUMERIC);
    assertThat(DateUtil.isCellDateFormatted(cell)).as(cell.getCellStyle().getDataFormatString()).isTrue();
    assertThat(cell.getCellStyle().getDataFormatString()).isEqualTo("yyyy-mm-dd hh:mm:ss.000");
    assertThat(cell.getLocalDateTimeCellValue()).isEqualTo(LocalDateTime.ofInstant(expected, ZoneOffset.UTC));
  }

  @Test
  void accuraciesArePercentages() throws IOException {
    try (XSSFWorkbook book = write(report())) {
      Map<String, int[]> columns = Map.of(Workbook.ROUNDS, new int[] {1, 3, 9, 10, 11}, Workbook.TRAINING,
          new int[] {4}, Workbook.EVALUATIONS, new int[] {4}, Workbook.CURVES, new int[] {4, 7, 8, 9});
      for (Map.Entry<String, int[]> e : columns.entrySet()) {
        XSSFSheet sheet = book.getSheet(e.getKey());
        for (int c : e.getValue()) {
          int cells = 0;
          for (int r = 1; r <= sheet.getLastRowNum(); r++) {
            Cell cell = sheet.getRow(r).getCell(c);
            if (cell != null) {
              assertThat(cell.getCellType()).as("%s!%d,%d", e.getKey(), r, c).isEqualTo(CellType.NUMERIC);
              assertThat(cell.getCellStyle().getDataFormatString()).as("%s!%d,%d", e.getKey(), r, c)
                  .isEqualTo("0.00%");
              cells++;
            }
          }
          assertThat(cells).as("%s column %d has accuracies", e.getKey(), c).isPositive();
        }
      }
      XSSFSheet rounds = book.getSheet(Workbook.ROUNDS);
      assertThat(rounds.getRow(1).getCell(1).getNumericCellValue()).as("the initial model").isEqualTo(0.0987);
    }
  }

  @Test
  void roundsHasEachClientsTestAccuracyPerRound() throws IOException {
    try (XSSFWorkbook book = write(report())) {
      XSSFSheet rounds = book.getSheet(Workbook.ROUNDS);
      assertThat(rounds.getLastRowNum()).as("header, initial model, 3 closed rounds (4 is open)").isEqualTo(4);
      assertThat(rounds.getRow(0).getCell(8).getStringCellValue()).isEqualTo("Selected");
      assertThat(List.of(rounds.getRow(0).getCell(9).getStringCellValue(),
          rounds.getRow(0).getCell(10).getStringCellValue(), rounds.getRow(0).getCell(11).getStringCellValue()))
          .containsExactly("a test accuracy", "b test accuracy", "c test accuracy");
      assertThat(rounds.getRow(0).getCell(12)).as("no note: every client is shown").isNull();
      assertThat(rounds.getRow(1).getCell(9)).as("the initial model is not scored by clients").isNull();
      assertThat(rounds.getRow(2).getCell(9).getNumericCellValue()).isEqualTo(0.881);
      assertThat(rounds.getRow(3).getCell(11).getNumericCellValue()).isEqualTo(0.921);
      assertThat(rounds.getRow(4).getCell(10).getNumericCellValue()).isEqualTo(0.936);
    }
  }

  @Test
  void theRoundsChartDrawsLinesOnAnAxisScaledToTheData() throws IOException {
    try (XSSFWorkbook book = write(report())) {
      List<XSSFChart> charts = book.getSheet(Workbook.ROUNDS).getDrawingPatriarch().getCharts();
      assertThat(charts).hasSize(1);
      CTLineChart lines = charts.get(0).getCTChart().getPlotArea().getLineChartArray(0);
      assertThat(lines.isSetMarker() && lines.getMarker().getVal()).as("LibreOffice draws the lines").isTrue();
      CTLineSer[] series = lines.getSerArray();
      assertThat(series).extracting(s -> s.getTx().getV())
          .containsExactly("Global test accuracy", "Mean client test accuracy", "a", "b", "c");
      assertThat(series).extracting(s -> s.getVal().getNumRef().getF()).as("rounds 1..3, not the initial model")
          .containsExactly("Rounds!$B$3:$B$5", "Rounds!$D$3:$D$5", "Rounds!$J$3:$J$5", "Rounds!$K$3:$K$5",
              "Rounds!$L$3:$L$5");
      for (CTLineSer s : series) {
        assertThat(s.getCat().getNumRef().getF()).isEqualTo("Rounds!$A$3:$A$5");
        assertThat(s.isSetSmooth() && !s.getSmooth().getVal()).as("straight lines").isTrue();
        assertThat(s.getSpPr().getLn().isSetSolidFill()).as("a visible line").isTrue();
        assertThat(s.getSpPr().getLn().getW()).isPositive();
      }
      CTValAx y = charts.get(0).getCTChart().getPlotArea().getValAxArray(0);
      double min = y.getScaling().getMin().getVal();
      double max = y.getScaling().getMax().getVal();
      assertThat(min).as("below every plotted value (88.1%..93.9%)").isLessThan(0.881).isGreaterThanOrEqualTo(0.85);
      assertThat(max).as("above every plotted value").isGreaterThan(0.939).isLessThanOrEqualTo(0.97);
      assertThat(min).isEqualTo(0.88, within(1e-12));
      assertThat(max).isEqualTo(0.94, within(1e-12));
      assertThat(y.getMajorUnit().getVal()).isEqualTo(0.01, within(1e-12));
      assertThat(y.getNumFmt().getFormatCode()).isEqualTo("0%");
      assertThat(y.getNumFmt().getSourceLinked()).isFalse();
      assertThat(charts.get(0).getCTChart().getLegend().getLegendPos().getVal().toString()).isEqualTo("b");
    }
  }

  @Test
  void trainingCurvesHaveARowPerEpochAndAChartPerClient() throws IOException {
    RunReport report = report();
    try (XSSFWorkbook book = write(report)) {
      XSSFSheet curves = book.getSheet(Workbook.CURVES);
      long epochs = report.rounds().stream().flatMap(v -> v.training().stream()).mapToLong(t -> t.epochs().size())
          .sum();
      assertThat(epochs).isEqualTo(23);
      List<String> rows = new ArrayList<>();
      for (int r = 1; r <= curves.getLastRowNum(); r++) {
        Row row = curves.getRow(r);
        if (row.getCell(0) != null) {
          rows.add((int) row.getCell(0).getNumericCellValue() + " " + row.getCell(1).getStringCellValue() + " "
              + (int) row.getCell(2).getNumericCellValue());
        }
      }
      assertThat(rows).hasSize(23).startsWith("1 a 1", "1 a 2", "1 a 3", "1 b 1").endsWith("3 b 3", "4 a 1", "4 a 2");
      Row first = curves.getRow(1);
      assertThat(first.getCell(3).getNumericCellValue()).isEqualTo(0.4, within(1e-12));
      assertThat(first.getCell(4).getNumericCellValue()).isEqualTo(0.88, within(1e-12));

      // The chart's block: the epoch in the run, 1..4 * 3, and a's, b's and c's accuracy at it.
      Row head = curves.getRow(0);
      assertThat(head.getCell(6).getStringCellValue()).isEqualTo("Epoch in run");
      assertThat(List.of(head.getCell(7).getStringCellValue(), head.getCell(8).getStringCellValue(),
          head.getCell(9).getStringCellValue())).containsExactly("a", "b", "c");
      assertThat(head.getCell(10).getStringCellValue()).contains("(round - 1) x 3 + epoch").doesNotContain("first");
      assertThat(curves.getRow(12).getCell(6).getNumericCellValue()).isEqualTo(12);
      assertThat(curves.getRow(6).getCell(8).getNumericCellValue()).as("b, round 2, epoch 3").isEqualTo(0.94);
      assertThat(curves.getRow(4).getCell(9)).as("c was not picked in round 2").isNull();
      assertThat(curves.getRow(11).getCell(7).getNumericCellValue()).as("a, round 4, epoch 2").isEqualTo(0.96);

      List<XSSFChart> charts = curves.getDrawingPatriarch().getCharts();
      assertThat(charts).hasSize(1);
      CTScatterChart scatter = charts.get(0).getCTChart().getPlotArea().getScatterChartArray(0);
      CTScatterSer[] series = scatter.getSerArray();
      assertThat(series).extracting(s -> s.getTx().getV()).containsExactly("a", "b", "c");
      assertThat(series).extracting(s -> s.getYVal().getNumRef().getF()).containsExactly(
          "'Training curves'!$H$2:$H$13", "'Training curves'!$I$2:$I$13", "'Training curves'!$J$2:$J$13");
      for (CTScatterSer s : series) {
        assertThat(s.getXVal().getNumRef().getF()).isEqualTo("'Training curves'!$G$2:$G$13");
        assertThat(s.getSpPr().getLn().isSetSolidFill()).isTrue();
      }
      CTValAx[] axes = charts.get(0).getCTChart().getPlotArea().getValAxArray();
      CTValAx y = axes[0].getAxPos().getVal().toString().equals("l") ? axes[0] : axes[1];
      assertThat(y.getScaling().getMin().getVal()).as("accuracies 88%..96%").isEqualTo(0.87, within(1e-12));
      assertThat(y.getScaling().getMax().getVal()).isEqualTo(0.97, within(1e-12));
    }
  }

  @Test
  void withoutEpochsTheCurvesSheetSaysSo() throws IOException {
    RunReport full = report();
    List<RunReport.Round> rounds = full.rounds().stream().map(v -> new RunReport.Round(v.round(), v.selected(),
        v.participants(), v.globalTestAccuracy(), v.globalTestLoss(), v.meanClientTestAccuracy(), v.durationSeconds(),
        v.startedAt(), v.endedAt(), v.training().stream().map(t -> new RunReport.Training(t.clientId(),
            t.numSamples(), t.trainLoss(), t.trainAccuracy(), t.receivedAt(), List.of())).toList(),
        v.evaluations())).toList();
    try (XSSFWorkbook book = write(report(full.clients(), rounds, List.of()))) {
      assertThat(IntStream.range(0, book.getNumberOfSheets()).mapToObj(book::getSheetName)).containsExactlyElementsOf(
          ORDER);
      XSSFSheet curves = book.getSheet(Workbook.CURVES);
      assertThat(curves.getRow(0).getCell(0).getStringCellValue()).isEqualTo("Round");
      assertThat(curves.getLastRowNum()).isEqualTo(1);
      assertThat(curves.getRow(1).getCell(0).getStringCellValue()).startsWith("No training curves");
      assertThat(curves.getDrawingPatriarch()).as("no chart").isNull();
      assertThat(book.getSheet(Workbook.TRAINING).getLastRowNum()).isEqualTo(9);
      XSSFSheet events = book.getSheet(Workbook.EVENTS);
      assertThat(events.getLastRowNum()).as("no events: the header only").isZero();
      assertThat(events.getCTWorksheet().isSetAutoFilter()).isTrue();
    }
  }

  @Test
  void eventsAreOneRowEachOldestFirst() throws IOException {
    RunReport report = report();
    try (XSSFWorkbook book = write(report)) {
      XSSFSheet events = book.getSheet(Workbook.EVENTS);
      Row head = events.getRow(0);
      assertThat(IntStream.range(0, 5).mapToObj(c -> head.getCell(c).getStringCellValue()))
          .containsExactly("Time (UTC)", "Type", "Round", "Client", "Detail");
      assertThat(events.getLastRowNum()).isEqualTo(report.events().size());
      for (int i = 0; i < report.events().size(); i++) {
        RunReport.Event e = report.events().get(i);
        Row row = events.getRow(i + 1);
        assertThat(row.getCell(1).getStringCellValue()).isEqualTo(e.type());
        if (e.round() == null) {
          assertThat(row.getCell(2)).isNull();
        } else {
          assertThat(row.getCell(2).getNumericCellValue()).isEqualTo(e.round().doubleValue());
        }
        if (e.clientId() == null) {
          assertThat(row.getCell(3)).isNull();
        } else {
          assertThat(row.getCell(3).getStringCellValue()).isEqualTo(e.clientId());
        }
        assertThat(row.getCell(4).getStringCellValue()).isEqualTo(e.detail());
      }
      assertThat(events.getRow(3).getCell(1).getStringCellValue()).isEqualTo("refused");
      assertThat(events.getRow(3).getCell(4).getStringCellValue()).isEqualTo("unknown client: mallory");
      for (int r = 2; r <= events.getLastRowNum(); r++) {
        assertThat(events.getRow(r).getCell(0).getNumericCellValue()).as("oldest first")
            .isGreaterThan(events.getRow(r - 1).getCell(0).getNumericCellValue());
      }
    }
  }

  @Test
  void chartsDrawTheFirstTenClientsAndSaySo() throws IOException {
    List<RunReport.Client> clients = IntStream.rangeClosed(1, 12)
        .mapToObj(c -> new RunReport.Client("site-" + c, 100, 10, T0)).toList();
    List<RunReport.Round> rounds = IntStream.rangeClosed(1, 2).mapToObj(r -> round(r, 0.9 + r / 100.0, 0.9,
        clients.stream().map(c -> training(c.clientId(), r, 2, 0.95)).toList(),
        clients.stream().map(c -> evaluation(c.clientId(), r, 0.9)).toList())).toList();
    try (XSSFWorkbook book = write(report(clients, rounds, List.of()))) {
      XSSFSheet sheet = book.getSheet(Workbook.ROUNDS);
      assertThat(sheet.getRow(0).getCell(18).getStringCellValue()).isEqualTo("site-10 test accuracy");
      assertThat(sheet.getRow(0).getCell(19).getStringCellValue()).contains("first 10 of 12 clients");
      assertThat(sheet.getDrawingPatriarch().getCharts().get(0).getCTChart().getPlotArea().getLineChartArray(0)
          .getSerArray()).as("global, mean and 10 clients").hasSize(12);
      XSSFSheet curves = book.getSheet(Workbook.CURVES);
      assertThat(curves.getLastRowNum()).as("12 clients, 2 rounds, 2 epochs").isEqualTo(48);
      assertThat(curves.getRow(0).getCell(17).getStringCellValue()).contains("first 10 of 12 clients");
      assertThat(curves.getDrawingPatriarch().getCharts().get(0).getCTChart().getPlotArea().getScatterChartArray(0)
          .getSerArray()).hasSize(10);
    }
  }

  @Test
  void theAxisSpansTheValuesOnWholePoints() {
    assertThat(Workbook.axisRange(List.of(0.88, 0.91, 0.94))).containsExactly(new double[] {0.87, 0.95, 0.01},
        within(1e-12));
    assertThat(Workbook.axisRange(List.of(0.883, 0.937))).containsExactly(new double[] {0.88, 0.94, 0.01},
        within(1e-12));
    assertThat(Workbook.axisRange(java.util.Arrays.asList(0.85, null, 0.97))).as("13 points: steps of 2")
        .containsExactly(new double[] {0.84, 0.98, 0.02}, within(1e-12));
    assertThat(Workbook.axisRange(List.of(0.1, 0.95))).containsExactly(new double[] {0, 1, 0.1}, within(1e-12));
    assertThat(Workbook.axisRange(List.of(0.995, 1.0))).containsExactly(new double[] {0.99, 1, 0.01}, within(1e-12));
    assertThat(Workbook.axisRange(List.of(0.0, 0.005))).containsExactly(new double[] {0, 0.01, 0.01}, within(1e-12));
    assertThat(Workbook.axisRange(List.of())).containsExactly(new double[] {0, 1, 0.1}, within(1e-12));
  }

  @Test
  void theWorkbookIsTheSameWhateverTheDefaultLocale() throws IOException {
    Locale before = Locale.getDefault();
    String root;
    String german;
    try {
      Locale.setDefault(Locale.ROOT);
      root = contents(report());
      Locale.setDefault(Locale.GERMANY);
      german = contents(report());
    } finally {
      Locale.setDefault(before);
    }
    assertThat(german).isEqualTo(root).contains("<c:min val=\"0.88\"/>");
  }

  /** Every cell of every sheet with its format, and the charts' XML. */
  static String contents(RunReport report) throws IOException {
    StringBuilder text = new StringBuilder();
    try (XSSFWorkbook book = write(report)) {
      for (int i = 0; i < book.getNumberOfSheets(); i++) {
        XSSFSheet sheet = book.getSheetAt(i);
        for (Row row : sheet) {
          for (Cell cell : row) {
            text.append(sheet.getSheetName()).append('!').append(cell.getAddress()).append('=').append(cell)
                .append(' ').append(cell.getCellStyle().getDataFormatString()).append('\n');
          }
        }
        if (sheet.getDrawingPatriarch() != null) {
          for (XSSFChart chart : sheet.getDrawingPatriarch().getCharts()) {
            text.append(chart.getCTChartSpace().xmlText()).append('\n');
          }
        }
      }
    }
    return text.toString();
  }
}
