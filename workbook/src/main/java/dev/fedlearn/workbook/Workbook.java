package dev.fedlearn.workbook;

import dev.fedlearn.nn.LayerSizes;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFCategoryAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSourcesFactory;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes the run as an Excel workbook: sheets Rounds (with a line chart of accuracy per round), Training,
 * Evaluations, Clients, Settings, and Weights (one row per parameter, one column per kept round's global model, the
 * initial model as round 0: every round for short runs, else every k-th and the latest, as the sheet says). The small
 * sheets are built in memory; Weights is streamed. The aggregator serves it; {@code fl simulate --out} writes it.
 */
public final class Workbook {
  public static final String ROUNDS = "Rounds";
  public static final String TRAINING = "Training";
  public static final String EVALUATIONS = "Evaluations";
  public static final String CLIENTS = "Clients";
  public static final String SETTINGS = "Settings";
  public static final String WEIGHTS = "Weights";

  private Workbook() {}

  public static void write(RunReport s, OutputStream out) throws IOException {
    XSSFWorkbook book = new XSSFWorkbook();
    CellStyle bold = book.createCellStyle();
    Font font = book.createFont();
    font.setBold(true);
    bold.setFont(font);
    CellStyle pct = book.createCellStyle();
    pct.setDataFormat(book.createDataFormat().getFormat("0.00%"));

    XSSFSheet rounds = book.createSheet(ROUNDS);
    header(rounds, bold, "Round", "Global test accuracy", "Global test loss", "Mean client test accuracy",
        "Participants", "Duration (s)", "Started", "Ended", "Selected");
    int r = 1;
    Row initial = rounds.createRow(r++);
    initial.createCell(0).setCellValue(0);
    initial.createCell(1).setCellValue(s.initialAccuracy());
    initial.getCell(1).setCellStyle(pct);
    initial.createCell(2).setCellValue(s.initialLoss());
    initial.createCell(4).setCellValue("initial model");
    for (RunReport.Round v : s.rounds()) {
      if (v.globalTestAccuracy() == null) {
        continue; // still open
      }
      Row row = rounds.createRow(r++);
      row.createCell(0).setCellValue(v.round());
      row.createCell(1).setCellValue(v.globalTestAccuracy());
      row.getCell(1).setCellStyle(pct);
      row.createCell(2).setCellValue(v.globalTestLoss());
      if (v.meanClientTestAccuracy() != null) {
        row.createCell(3).setCellValue(v.meanClientTestAccuracy());
        row.getCell(3).setCellStyle(pct);
      }
      row.createCell(4).setCellValue(String.join(", ", v.participants()));
      if (v.durationSeconds() != null) {
        row.createCell(5).setCellValue(v.durationSeconds());
      }
      row.createCell(6).setCellValue(text(v.startedAt()));
      row.createCell(7).setCellValue(text(v.endedAt()));
      row.createCell(8).setCellValue(String.join(", ", v.selected()));
    }
    widths(rounds, 9, 22);
    if (r > 2) {
      chart(rounds, r - 1);
    }

    XSSFSheet training = book.createSheet(TRAINING);
    header(training, bold, "Round", "Client", "Samples", "Train loss", "Train accuracy", "Received");
    r = 1;
    for (RunReport.Round v : s.rounds()) {
      for (RunReport.Training t : v.training()) {
        Row row = training.createRow(r++);
        row.createCell(0).setCellValue(v.round());
        row.createCell(1).setCellValue(t.clientId());
        row.createCell(2).setCellValue(t.numSamples());
        row.createCell(3).setCellValue(t.trainLoss());
        row.createCell(4).setCellValue(t.trainAccuracy());
        row.getCell(4).setCellStyle(pct);
        row.createCell(5).setCellValue(text(t.receivedAt()));
      }
    }
    widths(training, 6, 16);

    XSSFSheet evaluations = book.createSheet(EVALUATIONS);
    header(evaluations, bold, "Round", "Client", "Test samples", "Test loss", "Test accuracy", "Received");
    r = 1;
    for (RunReport.Round v : s.rounds()) {
      for (RunReport.Evaluation e : v.evaluations()) {
        Row row = evaluations.createRow(r++);
        row.createCell(0).setCellValue(v.round());
        row.createCell(1).setCellValue(e.clientId());
        row.createCell(2).setCellValue(e.numSamples());
        row.createCell(3).setCellValue(e.loss());
        row.createCell(4).setCellValue(e.accuracy());
        row.getCell(4).setCellStyle(pct);
        row.createCell(5).setCellValue(text(e.receivedAt()));
      }
    }
    widths(evaluations, 6, 16);

    XSSFSheet clients = book.createSheet(CLIENTS);
    header(clients, bold, "Client", "Train samples", "Test samples", "Registered");
    r = 1;
    for (RunReport.Client c : s.clients()) {
      Row row = clients.createRow(r++);
      row.createCell(0).setCellValue(c.clientId());
      row.createCell(1).setCellValue(c.trainSamples());
      row.createCell(2).setCellValue(c.testSamples());
      row.createCell(3).setCellValue(text(c.registeredAt()));
    }
    widths(clients, 4, 16);

    XSSFSheet settings = book.createSheet(SETTINGS);
    header(settings, bold, "Setting", "Value");
    r = 1;
    for (Map.Entry<String, String> e : s.settings().entrySet()) {
      Row row = settings.createRow(r++);
      row.createCell(0).setCellValue(e.getKey());
      row.createCell(1).setCellValue(e.getValue());
    }
    Row state = settings.createRow(r);
    state.createCell(0).setCellValue("state");
    state.createCell(1).setCellValue(s.state());
    widths(settings, 2, 30);

    SXSSFWorkbook streaming = new SXSSFWorkbook(book, 500);
    try {
      Sheet weights = streaming.createSheet(WEIGHTS);
      List<Integer> kept = new java.util.ArrayList<>(s.models().keySet());
      List<float[]> models = new java.util.ArrayList<>(s.models().values());
      boolean every = kept.size() == s.completedRounds() + 1;
      String[] head = new String[5 + models.size() + 1];
      head[0] = "Parameter";
      head[1] = "Layer";
      head[2] = "Kind";
      head[3] = "Row";
      head[4] = "Column";
      for (int k = 0; k < models.size(); k++) {
        head[5 + k] = "Round " + kept.get(k);
      }
      head[head.length - 1] = every ? "Every round's global model (round 0: the initial model)"
          : "Rounds shown: the initial model (round 0), every k-th round (k = " + (kept.size() > 1 ? kept.get(1) : 1)
              + ") and the latest; the run's database has every round";
      Row h = weights.createRow(0);
      for (int c = 0; c < head.length; c++) {
        h.createCell(c).setCellValue(head[c]);
      }
      LayerSizes sizes = s.layerSizes();
      r = 1;
      for (int l = 1; l <= sizes.depth(); l++) {
        int cols = sizes.size(l - 1);
        for (int j = sizes.weightOffset(l); j < sizes.biasOffset(l) + sizes.size(l); j++) {
          boolean bias = j >= sizes.biasOffset(l);
          int local = j - (bias ? sizes.biasOffset(l) : sizes.weightOffset(l));
          Row row = weights.createRow(r++);
          row.createCell(0).setCellValue(j);
          row.createCell(1).setCellValue(l);
          row.createCell(2).setCellValue(bias ? "b" : "W");
          row.createCell(3).setCellValue(bias ? local : local / cols);
          if (!bias) {
            row.createCell(4).setCellValue(local % cols);
          }
          for (int k = 0; k < models.size(); k++) {
            row.createCell(5 + k).setCellValue(models.get(k)[j]);
          }
        }
      }
      streaming.write(out);
    } finally {
      streaming.close();
    }
  }

  private static void chart(XSSFSheet sheet, int lastRow) {
    XSSFDrawing drawing = sheet.createDrawingPatriarch();
    XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, 9, 1, 19, 22);
    XSSFChart chart = drawing.createChart(anchor);
    chart.setTitleText("Accuracy per round");
    chart.setTitleOverlay(false);
    chart.getOrAddLegend().setPosition(LegendPosition.BOTTOM);
    XDDFCategoryAxis x = chart.createCategoryAxis(AxisPosition.BOTTOM);
    x.setTitle("Round");
    XDDFValueAxis y = chart.createValueAxis(AxisPosition.LEFT);
    y.setTitle("Accuracy");
    XDDFNumericalDataSource<Double> roundsAxis =
        XDDFDataSourcesFactory.fromNumericCellRange(sheet, new CellRangeAddress(1, lastRow, 0, 0));
    XDDFNumericalDataSource<Double> global =
        XDDFDataSourcesFactory.fromNumericCellRange(sheet, new CellRangeAddress(1, lastRow, 1, 1));
    XDDFNumericalDataSource<Double> clients =
        XDDFDataSourcesFactory.fromNumericCellRange(sheet, new CellRangeAddress(1, lastRow, 3, 3));
    XDDFLineChartData data = (XDDFLineChartData) chart.createData(ChartTypes.LINE, x, y);
    XDDFLineChartData.Series g = (XDDFLineChartData.Series) data.addSeries(roundsAxis, global);
    g.setTitle("Global test accuracy", null);
    g.setMarkerStyle(MarkerStyle.CIRCLE);
    XDDFLineChartData.Series c = (XDDFLineChartData.Series) data.addSeries(roundsAxis, clients);
    c.setTitle("Mean client test accuracy", null);
    c.setMarkerStyle(MarkerStyle.SQUARE);
    chart.plot(data);
  }

  private static void header(Sheet sheet, CellStyle bold, String... names) {
    Row row = sheet.createRow(0);
    for (int c = 0; c < names.length; c++) {
      row.createCell(c).setCellValue(names[c]);
      row.getCell(c).setCellStyle(bold);
    }
    sheet.createFreezePane(0, 1);
  }

  private static void widths(Sheet sheet, int columns, int chars) {
    for (int c = 0; c < columns; c++) {
      sheet.setColumnWidth(c, chars * 256);
    }
  }

  private static String text(Instant t) {
    return t == null ? "" : t.toString();
  }
}
