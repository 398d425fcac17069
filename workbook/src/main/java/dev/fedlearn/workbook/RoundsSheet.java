package dev.fedlearn.workbook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xddf.usermodel.chart.AxisCrossBetween;
import org.apache.poi.xddf.usermodel.chart.AxisCrosses;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.DisplayBlanks;
import org.apache.poi.xddf.usermodel.chart.Grouping;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFCategoryAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTLineChart;

/**
 * The Rounds sheet: the initial model (round 0), then every closed round; after the round's columns, the test accuracy
 * of each of the first {@link Workbook#CHART_CLIENTS} clients that scored a round (from the Evaluations), which the
 * chart draws with the global and the mean client test accuracy.
 */
final class RoundsSheet {
  /** The first columns of Rounds; the charted clients' test accuracies follow. */
  private static final int ROUNDS_COLUMNS = 9;

  private RoundsSheet() {}

  /** Writes the sheet, and its chart if a round has closed. */
  static void write(XSSFSheet sheet, RunReport s, Styles st) {
    List<RunReport.Round> closed = s.rounds().stream().filter(v -> v.globalTestAccuracy() != null).toList();
    List<String> scored = Charts.ordered(s,
        closed.stream().flatMap(v -> v.evaluations().stream().map(RunReport.Evaluation::clientId)));
    List<String> shown = scored.subList(0, Math.min(Workbook.CHART_CLIENTS, scored.size()));
    // A run whose server holds no test set is scored by its clients' weighted scores.
    boolean byClients = "clients".equals(s.settings().get(RunReport.SCORED_BY));
    List<String> names = new ArrayList<>(List.of(s.asynchronous() ? "Version" : "Round", byClients ? "Clients' test accuracy (weighted)"
        : "Global test accuracy", byClients ? "Clients' test loss (weighted)" : "Global test loss",
        "Mean client test accuracy", "Participants", "Duration (s)", "Started (UTC)", "Ended (UTC)", "Selected"));
    shown.forEach(c -> names.add(c + " test accuracy"));
    boolean dp = closed.stream().anyMatch(v -> v.epsilon() != null);
    if (dp) {
      names.add("Epsilon (DP)");
    }
    Cells.header(sheet, st.bold(), names.toArray(String[]::new));
    int last = ROUNDS_COLUMNS + shown.size() - 1 + (dp ? 1 : 0);
    if (scored.size() > shown.size()) {
      Cells.note(sheet.getRow(0), last + 1, "Client columns and chart: the first " + shown.size() + " of "
          + scored.size() + " clients; the Evaluations sheet has them all", st.note());
    }
    int r = 1;
    Row initial = sheet.createRow(r++);
    initial.createCell(0).setCellValue(0);
    if (s.initialAccuracy() != null) {
      Cells.number(initial, 1, s.initialAccuracy(), st.pct());
      initial.createCell(2).setCellValue(s.initialLoss());
    }
    initial.createCell(4).setCellValue(s.initialAccuracy() != null ? "initial model" : "initial model (not scored)");
    for (RunReport.Round v : closed) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(v.round());
      Cells.number(row, 1, v.globalTestAccuracy(), st.pct());
      if (v.globalTestLoss() != null) {
        row.createCell(2).setCellValue(v.globalTestLoss());
      }
      if (v.meanClientTestAccuracy() != null) {
        Cells.number(row, 3, v.meanClientTestAccuracy(), st.pct());
      }
      row.createCell(4).setCellValue(String.join(", ", v.participants()));
      if (v.durationSeconds() != null) {
        row.createCell(5).setCellValue(v.durationSeconds());
      }
      Cells.time(row, 6, v.startedAt(), st.time());
      Cells.time(row, 7, v.endedAt(), st.time());
      row.createCell(8).setCellValue(String.join(", ", v.selected()));
      for (RunReport.Evaluation e : v.evaluations()) {
        int k = shown.indexOf(e.clientId());
        if (k >= 0) {
          Cells.number(row, ROUNDS_COLUMNS + k, e.accuracy(), st.pct());
        }
      }
      if (v.epsilon() != null) {
        row.createCell(ROUNDS_COLUMNS + shown.size()).setCellValue(v.epsilon());
      }
    }
    Cells.widths(sheet, last + 1, 22);
    sheet.setColumnWidth(3, 26 * 256);
    sheet.setColumnWidth(6, 24 * 256);
    sheet.setColumnWidth(7, 24 * 256);
    Cells.filter(sheet, r - 1, last);
    if (!closed.isEmpty()) {
      chart(sheet, closed, shown, r - 1, last + (scored.size() > shown.size() ? 3 : 2),
          s.asynchronous() ? "Version" : "Round");
    }
  }

  /**
   * The chart: one line per series over rounds 1..n (rows 3..lastRow), the global test accuracy, the mean client test
   * accuracy and each shown client's. The initial model (row 2) is left out: it scores about 10%, and an axis down to
   * it would flatten rounds that all lie between, say, 88% and 94%. The accuracy axis spans the plotted values,
   * widened to whole percentage points (or 2, 5, 10 points for wider spreads), see {@link Charts#axisRange}.
   */
  private static void chart(XSSFSheet sheet, List<RunReport.Round> closed, List<String> shown, int lastRow,
      int column, String unit) {
    XSSFDrawing drawing = sheet.createDrawingPatriarch();
    XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, column, 1, column + 12, 28);
    XSSFChart chart = drawing.createChart(anchor);
    chart.setTitleText("Test accuracy, " + unit.toLowerCase(java.util.Locale.ROOT) + "s 1-"
        + closed.get(closed.size() - 1).round()
        + " (the initial model: row 2)");
    chart.setTitleOverlay(false);
    chart.getOrAddLegend().setPosition(LegendPosition.BOTTOM);
    XDDFCategoryAxis x = chart.createCategoryAxis(AxisPosition.BOTTOM);
    x.setTitle(unit);
    XDDFValueAxis y = chart.createValueAxis(AxisPosition.LEFT);
    y.setTitle("Test accuracy");
    XDDFLineChartData data = (XDDFLineChartData) chart.createData(ChartTypes.LINE, x, y);
    data.setVaryColors(false);
    data.setGrouping(Grouping.STANDARD); // the schema requires it; Excel repairs a line chart without

    Double[] rounds = closed.stream().map(v -> (double) v.round()).toArray(Double[]::new);
    Double[] global = closed.stream().map(RunReport.Round::globalTestAccuracy).toArray(Double[]::new);
    Double[] mean = closed.stream().map(RunReport.Round::meanClientTestAccuracy).toArray(Double[]::new);
    XDDFNumericalDataSource<Double> xs = Charts.column(sheet, rounds, 2, lastRow, 0);
    List<Double> plotted = new ArrayList<>(Arrays.asList(global));
    Charts.line(data.addSeries(xs, Charts.column(sheet, global, 2, lastRow, 1)), "Global test accuracy",
        Charts.GLOBAL_COLOUR, 2.5, false, MarkerStyle.CIRCLE);
    if (Stream.of(mean).anyMatch(Objects::nonNull)) {
      plotted.addAll(Arrays.asList(mean));
      Charts.line(data.addSeries(xs, Charts.column(sheet, mean, 2, lastRow, 3)), "Mean client test accuracy",
          Charts.MEAN_COLOUR, 2, true, MarkerStyle.SQUARE);
    }
    for (int k = 0; k < shown.size(); k++) {
      String id = shown.get(k);
      Double[] accuracy = closed.stream().map(v -> v.evaluations().stream().filter(e -> e.clientId().equals(id))
          .map(RunReport.Evaluation::accuracy).reduce((a, b) -> b).orElse(null)).toArray(Double[]::new);
      plotted.addAll(Arrays.asList(accuracy));
      Charts.line(data.addSeries(xs, Charts.column(sheet, accuracy, 2, lastRow, ROUNDS_COLUMNS + k)), id,
          Charts.rgb(Charts.CLIENT_COLOURS[k]), 1.25, false, MarkerStyle.NONE);
    }
    chart.plot(data);
    // LibreOffice draws a line chart's lines only when the chart says it has markers (c:marker val=1).
    CTLineChart lines = chart.getCTChart().getPlotArea().getLineChartArray(0);
    (lines.isSetMarker() ? lines.getMarker() : lines.addNewMarker()).setVal(true);
    chart.displayBlanksAs(DisplayBlanks.GAP);
    Charts.accuracyAxis(chart, y, plotted);
    Charts.english(chart);
    // The round axis crosses the accuracy axis at its minimum, and the accuracy axis the round axis at round 1.
    x.setCrosses(AxisCrosses.MIN);
    y.setCrosses(AxisCrosses.AUTO_ZERO);
    y.setCrossBetween(AxisCrossBetween.BETWEEN);
  }
}
