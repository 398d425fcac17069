package dev.fedlearn.workbook;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DataFormat;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xddf.usermodel.PresetColor;
import org.apache.poi.xddf.usermodel.PresetLineDash;
import org.apache.poi.xddf.usermodel.XDDFColor;
import org.apache.poi.xddf.usermodel.XDDFLineProperties;
import org.apache.poi.xddf.usermodel.XDDFNoFillProperties;
import org.apache.poi.xddf.usermodel.XDDFPresetLineDash;
import org.apache.poi.xddf.usermodel.XDDFShapeProperties;
import org.apache.poi.xddf.usermodel.XDDFSolidFillProperties;
import org.apache.poi.xddf.usermodel.chart.AxisCrossBetween;
import org.apache.poi.xddf.usermodel.chart.AxisCrosses;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.DisplayBlanks;
import org.apache.poi.xddf.usermodel.chart.Grouping;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.ScatterStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFCategoryAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSourcesFactory;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFScatterChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.xmlbeans.XmlCursor;
import org.apache.xmlbeans.XmlObject;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTLineChart;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTMarker;
import org.openxmlformats.schemas.drawingml.x2006.chart.CTValAx;
import org.openxmlformats.schemas.drawingml.x2006.main.CTTextCharacterProperties;

/**
 * Writes the run as an Excel workbook, its sheets in this order: Rounds (one row per closed round after the initial
 * model, each charted client's test accuracy, and a line chart of accuracy per round), Training, Training curves (one
 * row per client, round and local epoch, with a chart of the clients' training accuracy epoch by epoch), Evaluations,
 * Clients, Events (the run's log, oldest first), Settings, and Weights (one row per parameter, one column per kept
 * round's global model, the initial model as round 0: every round for short runs, else every k-th and the latest, as
 * the sheet says). Times are date-time cells in UTC, accuracies percentages; every table has a bold, frozen header
 * row with an autofilter. The small sheets are built in memory; Training curves, Events and Weights are streamed. The
 * aggregator serves it; {@code fl simulate --out} writes it.
 */
public final class Workbook {
  public static final String ROUNDS = "Rounds";
  public static final String TRAINING = "Training";
  public static final String CURVES = "Training curves";
  public static final String EVALUATIONS = "Evaluations";
  public static final String CLIENTS = "Clients";
  public static final String EVENTS = "Events";
  public static final String SETTINGS = "Settings";
  public static final String WEIGHTS = "Weights";
  /** The most clients the charts draw (and Rounds gives a column): the first ones, in the Clients sheet's order. */
  public static final int CHART_CLIENTS = 10;
  /** How times are shown: UTC, to the millisecond. */
  public static final String TIME_FORMAT = "yyyy-mm-dd hh:mm:ss.000";
  public static final String PERCENT_FORMAT = "0.00%";

  /** Data rows a sheet can hold below its header (Excel's limit). */
  private static final int MAX_DATA_ROWS = SpreadsheetVersion.EXCEL2007.getMaxRows() - 1;
  /** The first columns of Rounds; the charted clients' test accuracies follow. */
  private static final int ROUNDS_COLUMNS = 9;
  /** Training curves: the table's columns, then a blank column, then the chart's block (epoch in run, clients). */
  private static final int CURVES_COLUMNS = 5;
  private static final int CURVES_BLOCK = CURVES_COLUMNS + 1;
  /** Line colours: global accuracy, mean client accuracy, then one per client (Tableau 10). */
  private static final byte[] GLOBAL_COLOUR = rgb(0x1F3864);
  private static final byte[] MEAN_COLOUR = rgb(0x000000);
  private static final int[] CLIENT_COLOURS = {0x4E79A7, 0xF28E2B, 0xE15759, 0x59A14F, 0x76B7B2, 0xEDC948, 0xB07AA1,
      0xFF9DA7, 0x9C755F, 0x7F7F7F};

  private Workbook() {}

  /** The cell styles every sheet shares. */
  private record Styles(CellStyle bold, CellStyle pct, CellStyle time, CellStyle note) {}

  /** A row of the Training or Evaluations sheet: a client's figures in a round. */
  private record Figures(int round, String clientId, long samples, double loss, double accuracy, Instant at) {}

  /** A row of the Training curves table: a client's epoch in a round. */
  private record CurveRow(int round, String clientId, RunReport.Epoch epoch) {}

  /** Writes the run's workbook to {@code out} (left open). */
  public static void write(RunReport s, OutputStream out) throws IOException {
    XSSFWorkbook book = new XSSFWorkbook();
    DataFormat formats = book.createDataFormat();
    CellStyle bold = book.createCellStyle();
    Font font = book.createFont();
    font.setBold(true);
    bold.setFont(font);
    CellStyle pct = book.createCellStyle();
    pct.setDataFormat(formats.getFormat(PERCENT_FORMAT));
    CellStyle time = book.createCellStyle();
    time.setDataFormat(formats.getFormat(TIME_FORMAT));
    CellStyle note = book.createCellStyle();
    Font italic = book.createFont();
    italic.setItalic(true);
    note.setFont(italic);
    Styles st = new Styles(bold, pct, time, note);

    rounds(book.createSheet(ROUNDS), s, st);

    figures(book.createSheet(TRAINING), st, "Samples", "Train loss", "Train accuracy", s.rounds().stream()
        .flatMap(v -> v.training().stream().map(t -> new Figures(v.round(), t.clientId(), t.numSamples(),
            t.trainLoss(), t.trainAccuracy(), t.receivedAt()))).toList());
    figures(book.createSheet(EVALUATIONS), st, "Test samples", "Test loss", "Test accuracy", s.rounds().stream()
        .flatMap(v -> v.evaluations().stream().map(e -> new Figures(v.round(), e.clientId(), e.numSamples(),
            e.loss(), e.accuracy(), e.receivedAt()))).toList());

    XSSFSheet clients = book.createSheet(CLIENTS);
    header(clients, bold, "Client", "Train samples", "Test samples", "Registered (UTC)");
    int r = 1;
    for (RunReport.Client c : s.clients()) {
      Row row = clients.createRow(r++);
      row.createCell(0).setCellValue(c.clientId());
      if (c.trainSamples() != null) { // null in a private run: no client's own counts are shown
        row.createCell(1).setCellValue(c.trainSamples());
        row.createCell(2).setCellValue(c.testSamples());
      }
      time(row, 3, c.registeredAt(), time);
    }
    widths(clients, 4, 16);
    clients.setColumnWidth(3, 24 * 256);
    filter(clients, r - 1, 3);

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
    filter(settings, r, 1);

    SXSSFWorkbook streaming = new SXSSFWorkbook(book, 500);
    try {
      curves(streaming, s, st);
      events(streaming, s, st);
      weights(streaming, s, st);
      // The streamed sheets come last as created; Training curves goes after Training, Events before Settings.
      streaming.setSheetOrder(CURVES, book.getSheetIndex(TRAINING) + 1);
      streaming.setSheetOrder(EVENTS, book.getSheetIndex(SETTINGS));
      streaming.setActiveSheet(0);
      streaming.setSelectedTab(0);
      streaming.write(out);
    } finally {
      streaming.close();
    }
  }

  /** Training or Evaluations: one row per client and round, its sample count, loss, accuracy and arrival. */
  private static void figures(XSSFSheet sheet, Styles st, String samples, String loss, String accuracy,
      List<Figures> rows) {
    header(sheet, st.bold(), "Round", "Client", samples, loss, accuracy, "Received (UTC)");
    int r = 1;
    for (Figures f : rows) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(f.round());
      row.createCell(1).setCellValue(f.clientId());
      row.createCell(2).setCellValue(f.samples());
      row.createCell(3).setCellValue(f.loss());
      number(row, 4, f.accuracy(), st.pct());
      time(row, 5, f.at(), st.time());
    }
    widths(sheet, 6, 16);
    sheet.setColumnWidth(5, 24 * 256);
    filter(sheet, r - 1, 5);
  }

  /**
   * Rounds: the initial model (round 0), then every closed round; after the round's columns, the test accuracy of
   * each of the first {@link #CHART_CLIENTS} clients that scored a round (from the Evaluations), which the chart
   * draws with the global and the mean client test accuracy.
   */
  private static void rounds(XSSFSheet sheet, RunReport s, Styles st) {
    List<RunReport.Round> closed = s.rounds().stream().filter(v -> v.globalTestAccuracy() != null).toList();
    List<String> scored =
        ordered(s, closed.stream().flatMap(v -> v.evaluations().stream().map(RunReport.Evaluation::clientId)));
    List<String> shown = scored.subList(0, Math.min(CHART_CLIENTS, scored.size()));
    List<String> names = new ArrayList<>(List.of("Round", "Global test accuracy", "Global test loss",
        "Mean client test accuracy", "Participants", "Duration (s)", "Started (UTC)", "Ended (UTC)", "Selected"));
    shown.forEach(c -> names.add(c + " test accuracy"));
    boolean dp = closed.stream().anyMatch(v -> v.epsilon() != null);
    if (dp) {
      names.add("Epsilon (DP)");
    }
    header(sheet, st.bold(), names.toArray(String[]::new));
    int last = ROUNDS_COLUMNS + shown.size() - 1 + (dp ? 1 : 0);
    if (scored.size() > shown.size()) {
      note(sheet.getRow(0), last + 1, "Client columns and chart: the first " + shown.size() + " of " + scored.size()
          + " clients; the Evaluations sheet has them all", st.note());
    }
    int r = 1;
    Row initial = sheet.createRow(r++);
    initial.createCell(0).setCellValue(0);
    number(initial, 1, s.initialAccuracy(), st.pct());
    initial.createCell(2).setCellValue(s.initialLoss());
    initial.createCell(4).setCellValue("initial model");
    for (RunReport.Round v : closed) {
      Row row = sheet.createRow(r++);
      row.createCell(0).setCellValue(v.round());
      number(row, 1, v.globalTestAccuracy(), st.pct());
      if (v.globalTestLoss() != null) {
        row.createCell(2).setCellValue(v.globalTestLoss());
      }
      if (v.meanClientTestAccuracy() != null) {
        number(row, 3, v.meanClientTestAccuracy(), st.pct());
      }
      row.createCell(4).setCellValue(String.join(", ", v.participants()));
      if (v.durationSeconds() != null) {
        row.createCell(5).setCellValue(v.durationSeconds());
      }
      time(row, 6, v.startedAt(), st.time());
      time(row, 7, v.endedAt(), st.time());
      row.createCell(8).setCellValue(String.join(", ", v.selected()));
      for (RunReport.Evaluation e : v.evaluations()) {
        int k = shown.indexOf(e.clientId());
        if (k >= 0) {
          number(row, ROUNDS_COLUMNS + k, e.accuracy(), st.pct());
        }
      }
      if (v.epsilon() != null) {
        row.createCell(ROUNDS_COLUMNS + shown.size()).setCellValue(v.epsilon());
      }
    }
    widths(sheet, last + 1, 22);
    sheet.setColumnWidth(3, 26 * 256);
    sheet.setColumnWidth(6, 24 * 256);
    sheet.setColumnWidth(7, 24 * 256);
    filter(sheet, r - 1, last);
    if (!closed.isEmpty()) {
      roundsChart(sheet, closed, shown, r - 1, last + (scored.size() > shown.size() ? 3 : 2));
    }
  }

  /**
   * The Rounds chart: one line per series over rounds 1..n (rows 3..lastRow), the global test accuracy, the mean
   * client test accuracy and each shown client's. The initial model (row 2) is left out: it scores about 10%, and an
   * axis down to it would flatten rounds that all lie between, say, 88% and 94%. The accuracy axis spans the plotted
   * values, widened to whole percentage points (or 2, 5, 10 points for wider spreads), see {@link #axisRange}.
   */
  private static void roundsChart(XSSFSheet sheet, List<RunReport.Round> closed, List<String> shown, int lastRow,
      int column) {
    XSSFDrawing drawing = sheet.createDrawingPatriarch();
    XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, column, 1, column + 12, 28);
    XSSFChart chart = drawing.createChart(anchor);
    chart.setTitleText("Test accuracy, rounds 1-" + closed.get(closed.size() - 1).round()
        + " (the initial model: row 2)");
    chart.setTitleOverlay(false);
    chart.getOrAddLegend().setPosition(LegendPosition.BOTTOM);
    XDDFCategoryAxis x = chart.createCategoryAxis(AxisPosition.BOTTOM);
    x.setTitle("Round");
    XDDFValueAxis y = chart.createValueAxis(AxisPosition.LEFT);
    y.setTitle("Test accuracy");
    XDDFLineChartData data = (XDDFLineChartData) chart.createData(ChartTypes.LINE, x, y);
    data.setVaryColors(false);
    data.setGrouping(Grouping.STANDARD); // the schema requires it; Excel repairs a line chart without

    Double[] rounds = closed.stream().map(v -> (double) v.round()).toArray(Double[]::new);
    Double[] global = closed.stream().map(RunReport.Round::globalTestAccuracy).toArray(Double[]::new);
    Double[] mean = closed.stream().map(RunReport.Round::meanClientTestAccuracy).toArray(Double[]::new);
    XDDFNumericalDataSource<Double> xs = column(sheet, rounds, 2, lastRow, 0);
    List<Double> plotted = new ArrayList<>(Arrays.asList(global));
    line(data.addSeries(xs, column(sheet, global, 2, lastRow, 1)), "Global test accuracy", GLOBAL_COLOUR, 2.5, false,
        MarkerStyle.CIRCLE);
    if (Stream.of(mean).anyMatch(Objects::nonNull)) {
      plotted.addAll(Arrays.asList(mean));
      line(data.addSeries(xs, column(sheet, mean, 2, lastRow, 3)), "Mean client test accuracy", MEAN_COLOUR, 2, true,
          MarkerStyle.SQUARE);
    }
    for (int k = 0; k < shown.size(); k++) {
      String id = shown.get(k);
      Double[] accuracy = closed.stream().map(v -> v.evaluations().stream().filter(e -> e.clientId().equals(id))
          .map(RunReport.Evaluation::accuracy).reduce((a, b) -> b).orElse(null)).toArray(Double[]::new);
      plotted.addAll(Arrays.asList(accuracy));
      line(data.addSeries(xs, column(sheet, accuracy, 2, lastRow, ROUNDS_COLUMNS + k)), id, rgb(CLIENT_COLOURS[k]),
          1.25, false, MarkerStyle.NONE);
    }
    chart.plot(data);
    // LibreOffice draws a line chart's lines only when the chart says it has markers (c:marker val=1).
    CTLineChart lines = chart.getCTChart().getPlotArea().getLineChartArray(0);
    (lines.isSetMarker() ? lines.getMarker() : lines.addNewMarker()).setVal(true);
    chart.displayBlanksAs(DisplayBlanks.GAP);
    accuracyAxis(chart, y, plotted);
    english(chart);
    // The round axis crosses the accuracy axis at its minimum, and the accuracy axis the round axis at round 1.
    x.setCrosses(AxisCrosses.MIN);
    y.setCrosses(AxisCrosses.AUTO_ZERO);
    y.setCrossBetween(AxisCrossBetween.BETWEEN);
  }

  /**
   * Training curves: one row per client, round and local epoch, for every training that sent its epochs. Beside the
   * table, the chart's block: the epoch in the run, (round - 1) * E + e for the e-th epoch of a round, E the most
   * epochs a round had, and the training accuracy of each of the first {@link #CHART_CLIENTS} clients at it (blank
   * where a client did not train). Without any epochs the sheet says so in its only row.
   */
  private static void curves(SXSSFWorkbook streaming, RunReport s, Styles st) {
    SXSSFSheet sheet = streaming.createSheet(CURVES);
    header(sheet, st.bold(), "Round", "Client", "Epoch", "Training loss", "Training accuracy");
    widths(sheet, CURVES_COLUMNS, 16);
    int perRound = s.rounds().stream().flatMap(v -> v.training().stream()).mapToInt(t -> t.epochs().size()).max()
        .orElse(0);
    if (perRound == 0) {
      note(sheet.createRow(1), 0, "No training curves: no client sent its per-epoch loss and accuracy", st.note());
      filter(sheet, 1, CURVES_COLUMNS - 1);
      return;
    }
    List<RunReport.Round> trained = s.rounds().stream()
        .filter(v -> v.training().stream().anyMatch(t -> !t.epochs().isEmpty())).toList();
    List<String> ids = ordered(s, trained.stream().flatMap(v -> v.training().stream())
        .filter(t -> !t.epochs().isEmpty()).map(RunReport.Training::clientId));
    List<String> shown = ids.subList(0, Math.min(CHART_CLIENTS, ids.size()));
    int lastRound = trained.stream().mapToInt(v -> Math.max(1, v.round())).max().orElse(1);
    int points = (int) Math.min(MAX_DATA_ROWS, (long) lastRound * perRound);
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
    note(head, noteColumn, "Chart: training accuracy by epoch in the run, (round - 1) x " + perRound
        + " + epoch" + (ids.size() > shown.size() ? ", of the first " + shown.size() + " of " + ids.size() + " clients"
        : "") + (rows > MAX_DATA_ROWS ? "; the table holds the first " + MAX_DATA_ROWS + " of " + rows + " rows" : ""),
        st.note());

    // The table's rows and the chart's block share the sheet's rows; both are written row by row.
    Iterator<CurveRow> table = trained.stream().flatMap(v -> v.training().stream()
        .flatMap(t -> t.epochs().stream().map(e -> new CurveRow(v.round(), t.clientId(), e)))).iterator();
    int written = 0;
    for (int r = 1; r <= Math.max(Math.min(rows, MAX_DATA_ROWS), points); r++) {
      Row row = sheet.createRow(r);
      if (written < MAX_DATA_ROWS && table.hasNext()) {
        CurveRow next = table.next();
        row.createCell(0).setCellValue(next.round());
        row.createCell(1).setCellValue(next.clientId());
        row.createCell(2).setCellValue(next.epoch().epoch());
        row.createCell(3).setCellValue(next.epoch().loss());
        number(row, 4, next.epoch().accuracy(), st.pct());
        written++;
      }
      if (r <= points) {
        row.createCell(CURVES_BLOCK).setCellValue(r);
        for (int k = 0; k < shown.size(); k++) {
          if (accuracy[k][r - 1] != null) {
            number(row, CURVES_BLOCK + 1 + k, accuracy[k][r - 1], st.pct());
          }
        }
      }
    }
    for (int c = CURVES_BLOCK; c < noteColumn; c++) {
      sheet.setColumnWidth(c, 12 * 256);
    }
    sheet.setColumnWidth(CURVES_COLUMNS, 3 * 256);
    filter(sheet, Math.max(1, written), CURVES_COLUMNS - 1);
    curvesChart(sheet, shown, accuracy, points, perRound, noteColumn + 1);
  }

  /**
   * The Training curves chart: an XY chart, one line per shown client (no markers: thousands of points), x the epoch
   * in the run with a gridline every few rounds, y the training accuracy over the range of the plotted values.
   */
  private static void curvesChart(SXSSFSheet streamed, List<String> shown, Double[][] accuracy, int points,
      int perRound, int column) {
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
    XDDFNumericalDataSource<Double> xs = column(sheet, epochs, 1, points, CURVES_BLOCK);
    List<Double> plotted = new ArrayList<>();
    for (int k = 0; k < shown.size(); k++) {
      plotted.addAll(Arrays.asList(accuracy[k]));
      XDDFScatterChartData.Series line = (XDDFScatterChartData.Series) data.addSeries(xs,
          column(sheet, accuracy[k], 1, points, CURVES_BLOCK + 1 + k));
      line.setTitle(shown.get(k), null);
      line.setSmooth(false);
      line.setMarkerStyle(MarkerStyle.NONE);
      line.setShapeProperties(stroke(rgb(CLIENT_COLOURS[k]), 1, false));
    }
    chart.plot(data);
    chart.displayBlanksAs(DisplayBlanks.GAP);
    // The chart reads the block beside the table: filtering the table must not hide its points.
    chart.setPlotOnlyVisibleCells(false);
    accuracyAxis(chart, y, plotted);
    english(chart);
    // A gridline every round, or every few rounds so that there are at most 10.
    int rounds = (points + perRound - 1) / perRound;
    int every = Math.max(1, (rounds + 9) / 10);
    x.setMinimum(0);
    x.setMaximum((double) ((rounds + every - 1) / every) * every * perRound);
    x.setMajorUnit((double) every * perRound);
    format(chart, x, "0");
    x.setCrosses(AxisCrosses.MIN);
    y.setCrosses(AxisCrosses.MIN);
    y.setCrossBetween(AxisCrossBetween.MIDPOINT_CATEGORY);
  }

  /** Events: one row per event of the run, in the report's order (oldest first). */
  private static void events(SXSSFWorkbook streaming, RunReport s, Styles st) {
    SXSSFSheet sheet = streaming.createSheet(EVENTS);
    header(sheet, st.bold(), "Time (UTC)", "Type", "Round", "Client", "Detail");
    List<RunReport.Event> events = s.events() == null ? List.of() : s.events();
    int r = 1;
    for (RunReport.Event e : events) {
      if (r > MAX_DATA_ROWS) {
        break;
      }
      Row row = sheet.createRow(r++);
      time(row, 0, e.at(), st.time());
      text(row, 1, e.type());
      if (e.round() != null) {
        row.createCell(2).setCellValue(e.round());
      }
      text(row, 3, e.clientId());
      text(row, 4, e.detail());
    }
    sheet.setColumnWidth(0, 24 * 256);
    sheet.setColumnWidth(1, 14 * 256);
    sheet.setColumnWidth(2, 8 * 256);
    sheet.setColumnWidth(3, 16 * 256);
    sheet.setColumnWidth(4, 90 * 256);
    filter(sheet, Math.max(1, r - 1), 4);
  }

  /** Weights: one row per parameter (its layer, W or b, row and column), one column per kept global model. */
  private static void weights(SXSSFWorkbook streaming, RunReport s, Styles st) {
    Sheet weights = streaming.createSheet(WEIGHTS);
    List<Integer> kept = new ArrayList<>(s.models().keySet());
    List<float[]> models = new ArrayList<>(s.models().values());
    boolean every = kept.size() == s.completedRounds() + 1;
    String[] head = new String[5 + models.size()];
    head[0] = "Parameter";
    head[1] = "Layer";
    head[2] = "Kind";
    head[3] = "Row";
    head[4] = "Column";
    for (int k = 0; k < models.size(); k++) {
      head[5 + k] = "Round " + kept.get(k);
    }
    header(weights, st.bold(), head);
    note(weights.getRow(0), head.length, every ? "Every round's global model (round 0: the initial model)"
        : "Rounds shown: the initial model (round 0), every k-th round (k = " + (kept.size() > 1 ? kept.get(1) : 1)
            + ") and the latest; the run's database has every round", st.note());
    LayerSizes sizes = s.layerSizes();
    int r = 1;
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
    filter(weights, Math.max(1, r - 1), head.length - 1);
  }

  /**
   * The accuracy axis's minimum, maximum and major unit for these values (nulls skipped): the smallest step of 1, 2,
   * 5, 10 or 20 percentage points that covers them in at most 10 steps, the minimum the last multiple of the step
   * strictly below the least value and the maximum the first strictly above the greatest (so no point sits on the
   * plot's edge), within 0..1. Without values: 0..1 in steps of 10 points.
   */
  static double[] axisRange(List<Double> values) {
    double lo = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double hi = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (Double.isNaN(lo)) {
      return new double[] {0, 1, 0.1};
    }
    // In hundredths of a percentage point, so that the bounds are whole numbers.
    double low = Math.max(0, Math.min(1, lo)) * 10_000;
    double high = Math.max(0, Math.min(1, hi)) * 10_000;
    for (int step : new int[] {100, 200, 500, 1000, 2000}) {
      long min = Math.max(0, ((long) Math.ceil(low / step - 1e-9) - 1) * step);
      long max = Math.min(10_000, ((long) Math.floor(high / step + 1e-9) + 1) * step);
      if ((max - min) / step <= 10 || step == 2000) {
        return new double[] {min / 10_000.0, max / 10_000.0, step / 10_000.0};
      }
    }
    throw new AssertionError("unreachable");
  }

  /** Scales an accuracy axis to these values ({@link #axisRange}) and shows it in percent, with gridlines. */
  private static void accuracyAxis(XSSFChart chart, XDDFValueAxis y, List<Double> values) {
    double[] range = axisRange(values);
    y.setMinimum(range[0]);
    y.setMaximum(range[1]);
    y.setMajorUnit(range[2]);
    format(chart, y, "0%");
    XDDFShapeProperties grid = y.getOrAddMajorGridProperties();
    grid.setLineProperties(lineProperties(XDDFColor.from(PresetColor.LIGHT_GRAY), 0.75, false));
  }

  /** Shows a value axis's numbers in this format (its own: not the cells', e.g. 0.00% for accuracies). */
  private static void format(XSSFChart chart, XDDFValueAxis axis, String format) {
    axis.setNumberFormat(format);
    for (CTValAx a : chart.getCTChart().getPlotArea().getValAxArray()) {
      if (a.getAxId().getVal() == axis.getId()) {
        a.getNumFmt().setSourceLinked(false);
      }
    }
  }

  /** Marks the chart's texts (titles) as English, whatever the default Locale (POI writes its language tag). */
  private static void english(XSSFChart chart) {
    for (XmlObject run : chart.getCTChartSpace().selectPath("declare namespace a='"
        + "http://schemas.openxmlformats.org/drawingml/2006/main' $this//a:rPr")) {
      ((CTTextCharacterProperties) run).setLang("en-US");
    }
  }

  /** Names a line series and draws it: its colour, width in points, dashed or not, and its markers (small). */
  private static void line(XDDFChartData.Series series, String title,
      byte[] colour, double width, boolean dashed, MarkerStyle marker) {
    XDDFLineChartData.Series line = (XDDFLineChartData.Series) series;
    line.setTitle(title, null);
    line.setSmooth(false);
    line.setMarkerStyle(marker);
    if (marker != MarkerStyle.NONE) {
      // Size 5 (the schema type behind setMarkerSize is not in poi-ooxml-lite: the attribute is written as text).
      CTMarker shape = line.getCTLineSer().getMarker();
      try (XmlCursor cursor = (shape.isSetSize() ? shape.getSize() : shape.addNewSize()).newCursor()) {
        cursor.toNextToken();
        cursor.insertAttributeWithValue("val", "5");
      }
      // The marker in the line's colour.
      XDDFShapeProperties fill = new XDDFShapeProperties();
      fill.setFillProperties(new XDDFSolidFillProperties(XDDFColor.from(colour)));
      fill.setLineProperties(lineProperties(XDDFColor.from(colour), 0.75, false));
      shape.setSpPr(fill.getXmlObject());
    }
    line.setShapeProperties(stroke(colour, width, dashed));
  }

  /** A series' shape: a solid (or dashed) line of this colour and width in points, no fill. */
  private static XDDFShapeProperties stroke(byte[] colour, double width, boolean dashed) {
    XDDFShapeProperties shape = new XDDFShapeProperties();
    shape.setFillProperties(new XDDFNoFillProperties());
    shape.setLineProperties(lineProperties(XDDFColor.from(colour), width, dashed));
    return shape;
  }

  private static XDDFLineProperties lineProperties(XDDFColor colour, double width, boolean dashed) {
    XDDFLineProperties line = new XDDFLineProperties(new XDDFSolidFillProperties(colour));
    line.setWidth(width);
    if (dashed) {
      line.setPresetDash(new XDDFPresetLineDash(PresetLineDash.DASH));
    }
    return line;
  }

  /**
   * A chart's data from a column's cells (rows first..last, 0-based), with these values as the chart's cached copy:
   * the chart reads the cells, and shows the copy until it does.
   */
  private static XDDFNumericalDataSource<Double> column(XSSFSheet sheet, Double[] values, int first, int last,
      int column) {
    String range = new CellRangeAddress(first, last, column, column).formatAsString(sheet.getSheetName(), true);
    return XDDFDataSourcesFactory.fromArray(values, range, 0);
  }

  /** The ids that occur here, those in the report's client list first (in its order), then the others as met. */
  private static List<String> ordered(RunReport s, Stream<String> ids) {
    Set<String> present = new LinkedHashSet<>();
    ids.forEach(present::add);
    Set<String> order = new LinkedHashSet<>();
    s.clients().stream().map(RunReport.Client::clientId).filter(present::contains).forEach(order::add);
    order.addAll(present);
    return List.copyOf(order);
  }

  private static void header(Sheet sheet, CellStyle bold, String... names) {
    Row row = sheet.createRow(0);
    for (int c = 0; c < names.length; c++) {
      row.createCell(c).setCellValue(names[c]);
      row.getCell(c).setCellStyle(bold);
    }
    sheet.createFreezePane(0, 1);
  }

  /** An autofilter on the header row of a table with columns 0..lastColumn and data down to lastRow. */
  private static void filter(Sheet sheet, int lastRow, int lastColumn) {
    sheet.setAutoFilter(new CellRangeAddress(0, Math.max(1, lastRow), 0, lastColumn));
  }

  private static void widths(Sheet sheet, int columns, int chars) {
    for (int c = 0; c < columns; c++) {
      sheet.setColumnWidth(c, chars * 256);
    }
  }

  /** A number in this style. */
  private static void number(Row row, int column, double value, CellStyle style) {
    Cell cell = row.createCell(column);
    cell.setCellValue(value);
    cell.setCellStyle(style);
  }

  /** A time as an Excel date-time in UTC; none, an empty cell. */
  private static void time(Row row, int column, Instant t, CellStyle style) {
    if (t != null) {
      Cell cell = row.createCell(column);
      cell.setCellValue(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
      cell.setCellStyle(style);
    }
  }

  /** A text; none, an empty cell. */
  private static void text(Row row, int column, String value) {
    if (value != null) {
      row.createCell(column).setCellValue(value);
    }
  }

  private static void note(Row row, int column, String text, CellStyle style) {
    Cell cell = row.createCell(column);
    cell.setCellValue(text);
    cell.setCellStyle(style);
  }

  private static byte[] rgb(int rgb) {
    return new byte[] {(byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb};
  }
}
