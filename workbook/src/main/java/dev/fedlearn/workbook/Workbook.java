package dev.fedlearn.workbook;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes the run as an Excel workbook, its sheets in this order: Rounds (one row per closed round after the initial
 * model, each charted client's test accuracy, and a line chart of accuracy per round), Training, Training curves (one
 * row per client, round and local epoch, with a chart of the clients' training accuracy epoch by epoch), Evaluations,
 * Confusion (the latest model's confusion matrix summed over the clients, with per-class figures), Personalization
 * (only when clients personalized the final model: each one's score beside the global model's), Cross-site (only when
 * the run had a cross-site evaluation: each site's accuracy of every model, shaded as a heat map), Clients, Events (the
 * run's log, oldest first), Settings, and Weights (one row per parameter, one column per global
 * model the run kept, the initial model as round 0: every round for short runs, else every k-th and the latest, as
 * the sheet says). Times are date-time cells in UTC, accuracies percentages; every table has a bold, frozen header
 * row with an autofilter. The small sheets are built in memory; Training curves, Events and Weights are streamed. The
 * aggregator serves it; {@code fl simulate --out} writes it. Each sheet has its class ({@link RoundsSheet},
 * {@link FiguresSheet} for Training and Evaluations, {@link CurvesSheet}, {@link ConfusionSheet}, {@link PersonalizationSheet}, {@link CrossSiteSheet}, {@link ClientsSheet},
 * {@link EventsSheet},
 * {@link SettingsSheet}, {@link WeightsSheet}); they share the {@link Styles}, {@link Cells} and {@link Charts}.
 */
public final class Workbook {
  public static final String ROUNDS = "Rounds";
  public static final String TRAINING = "Training";
  public static final String CURVES = "Training curves";
  public static final String EVALUATIONS = "Evaluations";
  public static final String CLIENTS = "Clients";
  public static final String CONFUSION = "Confusion";
  public static final String PERSONALIZATION = "Personalization";
  public static final String CROSS_SITE = "Cross-site";
  public static final String EVENTS = "Events";
  public static final String SETTINGS = "Settings";
  public static final String WEIGHTS = "Weights";
  /** The most clients the charts draw (and Rounds gives a column): the first ones, in the Clients sheet's order. */
  public static final int CHART_CLIENTS = 10;
  /** How times are shown: UTC, to the millisecond. */
  public static final String TIME_FORMAT = "yyyy-mm-dd hh:mm:ss.000";
  public static final String PERCENT_FORMAT = "0.00%";

  private Workbook() {}

  /** Writes the run's workbook to {@code out} (left open). */
  public static void write(RunReport s, OutputStream out) throws IOException {
    XSSFWorkbook book = new XSSFWorkbook();
    Styles st = Styles.of(book);
    RoundsSheet.write(book.createSheet(ROUNDS), s, st);
    FiguresSheet.training(book.createSheet(TRAINING), s, st);
    FiguresSheet.evaluations(book.createSheet(EVALUATIONS), s, st);
    ConfusionSheet.write(book.createSheet(CONFUSION), s, st);
    if (!s.personalized().isEmpty()) {
      PersonalizationSheet.write(book.createSheet(PERSONALIZATION), s, st);
    }
    if (s.crossSite() != null && !s.crossSite().rows().isEmpty()) {
      CrossSiteSheet.write(book.createSheet(CROSS_SITE), s.crossSite(), st);
    }
    ClientsSheet.write(book.createSheet(CLIENTS), s, st);
    SettingsSheet.write(book.createSheet(SETTINGS), s, st);

    SXSSFWorkbook streaming = new SXSSFWorkbook(book, 500);
    try {
      CurvesSheet.write(streaming.createSheet(CURVES), s, st);
      EventsSheet.write(streaming.createSheet(EVENTS), s, st);
      WeightsSheet.write(streaming.createSheet(WEIGHTS), s, st);
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

  /** The charts' accuracy axis for these values: its minimum, maximum and major unit ({@link Charts#axisRange}). */
  static double[] axisRange(List<Double> values) {
    return Charts.axisRange(values);
  }
}
