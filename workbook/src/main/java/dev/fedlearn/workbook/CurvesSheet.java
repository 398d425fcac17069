package dev.fedlearn.workbook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xddf.usermodel.chart.AxisCrossBetween;
import org.apache.poi.xddf.usermodel.chart.AxisCrosses;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.DisplayBlanks;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.ScatterStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFScatterChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;

/**
 * The Training curves sheet (streamed): one row per client, round and local epoch, for every training that sent its
 * epochs. Beside the table, the chart's block: the epoch in the run, (round - 1) * E + e for the e-th epoch of a
 * round, E the most epochs a round had, and the training accuracy of each of the first {@link Workbook#CHART_CLIENTS}
 * clients at it (blank where a client did not train). Without any epochs the sheet says so in its only row.
 */
final class CurvesSheet {
  /** The table's columns, then a blank column, then the chart's block (epoch in run, clients). */
  private static final int CURVES_COLUMNS = 5;
  private static final int CURVES_BLOCK = CURVES_COLUMNS + 1;

  /** A row of the table: a client's epoch in a round. */
  private record CurveRow(int round, String clientId, RunReport.Epoch epoch) {}

  private CurvesSheet() {}

  /** Writes the sheet: the table and the chart's block row by row, then the chart. */
  static void write(SXSSFSheet sheet, RunReport s, Styles st) {
    Cells.header(sheet, st.bold(), "Round", "Client", "Epoch", "Training loss", "Training accuracy");
    Cells.widths(sheet, CURVES_COLUMNS, 16);
    int perRound = s.rounds().stream().flatMap(v -> v.training().stream()).mapToInt(t -> t.epochs().size()).max()
        .orElse(0);
    if (perRound == 0) {
      Cells.note(sheet.createRow(1), 0, "No training curves: no client sent its per-epoch loss and accuracy",
          st.note());
      Cells.filter(sheet, 1, CURVES_COLUMNS - 1);
      return;
    }
    List<RunReport.Round> trained = s.rounds().stream()
        .filter(v -> v.training().stream().anyMatch(t -> !t.epochs().isEmpty())).toList();
    List<String> ids = Charts.ordered(s, trained.stream().flatMap(v -> v.training().stream())
        .filter(t -> !t.epochs().isEmpty()).map(RunReport.Training::clientId));
    List<String> shown = ids.subList(0, Math.min(Workbook.CHART_CLIENTS, ids.size()));
    int lastRound = trained.stream().mapToInt(v -> Math.max(1, v.round())).max().orElse(1);
    int points = (int) Math.min(Cells.MAX_DATA_ROWS, (long) lastRound * perRound);
    Double[][] accuracy = new Double[shown.size()][points];
    for (RunReport.Round v : trained) {
      for (RunReport.Training t : v.training()) {
        int k = shown.indexOf(t.clientId());
        for (int i = 0; k >= 0 && i < t.epochs().size(); i++) {
          long at = (long) (Math.max(1, v.round()) - 1) * perRound + i;
          if (at < points) {
            accuracy[k][(int) at] = t.epochs().get(i).accuracy();
          }
        }
      }
    }
    long rows = trained.stream().flatMap(v -> v.training().stream()).mapToLong(t -> t.epochs().size()).sum();

    Row head = sheet.getRow(0);
    head.createCell(CURVES_BLOCK).setCellValue("Epoch in run");
    head.getCell(CURVES_BLOCK).setCellStyle(st.bold());
    for (int k = 0; k < shown.size(); k++) {
      head.createCell(CURVES_BLOCK + 1 + k).setCellValue(shown.get(k));
      head.getCell(CURVES_BLOCK + 1 + k).setCellStyle(st.bold());
    }
    int noteColumn = CURVES_BLOCK + 1 + shown.size();
    Cells.note(head, noteColumn, "Chart: training accuracy by epoch in the run, (round - 1) x " + perRound
        + " + epoch" + (ids.size() > shown.size() ? ", of the first " + shown.size() + " of " + ids.size() + " clients"
        : "") + (rows > Cells.MAX_DATA_ROWS ? "; the table holds the first " + Cells.MAX_DATA_ROWS + " of " + rows
        + " rows" : ""), st.note());

    // The table's rows and the chart's block share the sheet's rows; both are written row by row.
    Iterator<CurveRow> table = trained.stream().flatMap(v -> v.training().stream()
        .flatMap(t -> t.epochs().stream().map(e -> new CurveRow(v.round(), t.clientId(), e)))).iterator();
    int written = 0;
    for (int r = 1; r <= Math.max(Math.min(rows, Cells.MAX_DATA_ROWS), points); r++) {
      Row row = sheet.createRow(r);
      if (written < Cells.MAX_DATA_ROWS && table.hasNext()) {
        CurveRow next = table.next();
        row.createCell(0).setCellValue(next.round());
        row.createCell(1).setCellValue(next.clientId());
        row.createCell(2).setCellValue(next.epoch().epoch());
        row.createCell(3).setCellValue(next.epoch().loss());
        Cells.number(row, 4, next.epoch().accuracy(), st.pct());
        written++;
      }
      if (r <= points) {
        row.createCell(CURVES_BLOCK).setCellValue(r);
        for (int k = 0; k < shown.size(); k++) {
          if (accuracy[k][r - 1] != null) {
            Cells.number(row, CURVES_BLOCK + 1 + k, accuracy[k][r - 1], st.pct());
          }
        }
      }
    }
    for (int c = CURVES_BLOCK; c < noteColumn; c++) {
      sheet.setColumnWidth(c, 12 * 256);
    }
    sheet.setColumnWidth(CURVES_COLUMNS, 3 * 256);
    Cells.filter(sheet, Math.max(1, written), CURVES_COLUMNS - 1);
    chart(sheet, shown, accuracy, points, perRound, noteColumn + 1);
  }

  /**
   * The chart: an XY chart, one line per shown client (no markers: thousands of points), x the epoch in the run with
   * a gridline every few rounds, y the training accuracy over the range of the plotted values.
   */
  private static void chart(SXSSFSheet streamed, List<String> shown, Double[][] accuracy, int points, int perRound,
      int column) {
    XSSFSheet sheet = streamed.getWorkbook().getXSSFWorkbook().getSheet(streamed.getSheetName());
    streamed.createDrawingPatriarch();
    XSSFDrawing drawing = streamed.getDrawingPatriarch();
    XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, column, 1, column + 14, 30);
    XSSFChart chart = drawing.createChart(anchor);
    chart.setTitleText("Training accuracy, epoch by epoch");
    chart.setTitleOverlay(false);
    chart.getOrAddLegend().setPosition(LegendPosition.BOTTOM);
    XDDFValueAxis x = chart.createValueAxis(AxisPosition.BOTTOM);
    x.setTitle("Epoch in run (" + perRound + " a round)");
    XDDFValueAxis y = chart.createValueAxis(AxisPosition.LEFT);
    y.setTitle("Training accuracy");
    XDDFScatterChartData data = (XDDFScatterChartData) chart.createData(ChartTypes.SCATTER, x, y);
    data.setStyle(ScatterStyle.LINE);
    data.setVaryColors(false);
    Double[] epochs = new Double[points];
    for (int i = 0; i < points; i++) {
      epochs[i] = (double) (i + 1);
    }
    XDDFNumericalDataSource<Double> xs = Charts.column(sheet, epochs, 1, points, CURVES_BLOCK);
    List<Double> plotted = new ArrayList<>();
    for (int k = 0; k < shown.size(); k++) {
      plotted.addAll(Arrays.asList(accuracy[k]));
      XDDFScatterChartData.Series line = (XDDFScatterChartData.Series) data.addSeries(xs,
          Charts.column(sheet, accuracy[k], 1, points, CURVES_BLOCK + 1 + k));
      line.setTitle(shown.get(k), null);
      line.setSmooth(false);
      line.setMarkerStyle(MarkerStyle.NONE);
      line.setShapeProperties(Charts.stroke(Charts.rgb(Charts.CLIENT_COLOURS[k]), 1, false));
    }
    chart.plot(data);
    chart.displayBlanksAs(DisplayBlanks.GAP);
    // The chart reads the block beside the table: filtering the table must not hide its points.
    chart.setPlotOnlyVisibleCells(false);
    Charts.accuracyAxis(chart, y, plotted);
    Charts.english(chart);
    // A gridline every round, or every few rounds so that there are at most 10.
    int rounds = (points + perRound - 1) / perRound;
    int every = Math.max(1, (rounds + 9) / 10);
    x.setMinimum(0);
    x.setMaximum((double) ((rounds + every - 1) / every) * every * perRound);
    x.setMajorUnit((double) every * perRound);
    Charts.format(chart, x, "0");
    x.setCrosses(AxisCrosses.MIN);
    y.setCrosses(AxisCrosses.MIN);
    y.setCrossBetween(AxisCrossBetween.MIDPOINT_CATEGORY);
  }
}
