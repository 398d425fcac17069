package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * The whole product over real HTTP, watched in a real browser; one run, checked by each test here. The aggregator jar
 * (with a read token) and four client jars, each with only its own shard, on free local ports, run 3 rounds of 2
 * epochs. The dashboard is opened before any client starts. client-4 reaches the aggregator through an
 * {@link UpdateGate}, which holds its update of round r until the page shows round r-1's accuracy with round r open:
 * round r cannot close before that update, so the page is seen following the run however fast or slow the rounds
 * are. The result must be exactly what the in-process simulation of the same setup gives: the network changes
 * nothing. The run pages' test then starts a second aggregator on a copy of the state, to see run 1 as a run that has
 * ended next to others.
 */
class FederatedRunIT {
  static final int ROUNDS = 3;
  static final int EPOCHS = 2;
  static final int CLIENTS = 4;
  static final String TOKEN = "watcher";
  /** The admin token of the second aggregator the run pages' test starts (this one takes no runs over the API). */
  static final String ADMIN = "pages-admin";
  /** Start-up of the JVMs, registration and the three short rounds: a safety net, nothing waits for it to pass. */
  static final Duration RUN = Duration.ofMinutes(10);
  /** From an event on the aggregator to the page showing it (the page gathers its reads for 200 ms). */
  static final Duration PAGE = Duration.ofMinutes(1);
  static final Path LOGS = Path.of("target", "e2e-logs", "federated");

  static Processes procs;
  static UpdateGate gate;
  static String base;
  static Path state;
  static ChromeDriver browser;
  /** Why there is no browser here (the dashboard test then skips or fails), or null. */
  static String noBrowser;
  /** The first thing the page failed to show while the run went on; the dashboard test reports it. */
  static Throwable pageFailure;
  /** What the page showed as each round's global test accuracy, while the next round was open. */
  static final List<String> shown = new ArrayList<>();

  @BeforeAll
  static void run() throws Exception {
    procs = new Processes(LOGS);
    int port = Processes.freePort();
    base = "http://localhost:" + port;
    state = Processes.freshDir(Path.of("target", "e2e-state", "federated"));
    procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
        "SERVER_PORT", Integer.toString(port),
        "FL_ROUNDS", Integer.toString(ROUNDS),
        "FL_CLIENTS", Integer.toString(CLIENTS),
        "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS),
        "FL_SEED", "42",
        "FL_READ_TOKEN", TOKEN,
        "FL_DATA_DIR", Reference.DATA.toString(),
        "FL_STATE_DIR", state.toString()));
    Await.answer("the aggregator answers", Await.SERVICE_START, () -> Http.getJson(api("/status")));

    noBrowser = BrowserSupport.missing();
    if (noBrowser == null) {
      browser = BrowserSupport.chromium(1400, 1700);
      watch(() -> {
        assertThat(Http.send(HttpRequest.newBuilder(URI.create(base + "/"))).statusCode())
            .as("the page needs the read token").isEqualTo(401);
        browser.get(base + "/?access_token=" + TOKEN);
        browser.executeScript("window.sameLoad = true;");
        Await.until("the page follows the event stream", PAGE, () -> text("#connection"), "live"::equals);
        assertThat(text("#state")).isEqualTo("WAITING_FOR_CLIENTS");
        assertThat(browser.findElements(By.cssSelector("#rounds tbody tr"))).isEmpty();
      });
    }

    // client-4 talks to the aggregator through a gate that holds its update of every round from round 2 on.
    gate = new UpdateGate(base).holdFrom(2);
    // client-1 personalizes the final model once the run completed (one epoch on its training split).
    procs.startClient("client-1", 1, base, Map.of("FL_PERSONALIZE_EPOCHS", "1"));
    for (int c = 2; c < CLIENTS; c++) {
      procs.startClient(c, base);
    }
    procs.startClient("client-" + CLIENTS, CLIENTS, gate.url(), Map.of("FL_POLL_WAIT_SECONDS", "60"));
    for (int r = 2; r <= ROUNDS; r++) {
      int previous = r - 1;
      // Round r is open, and cannot close before client-4's update, which waits at the gate for this sight.
      gate.awaitUpdate(r, RUN);
      watch(() -> shown.add(Await.until("the page shows round " + previous + "'s accuracy with round " + (previous
          + 1) + " open", PAGE, Duration.ofMillis(50), () -> {
            String accuracy = cell(previous, "accuracy");
            return accuracy.endsWith("%") && "open".equals(cell(previous + 1, "state")) ? accuracy : null;
          }, a -> a != null)));
      gate.release(r);
    }
    awaitCompleted();
    watch(() -> shown.add(Await.until("the page shows round " + ROUNDS + "'s accuracy", PAGE, Duration.ofMillis(50),
        () -> cell(ROUNDS, "accuracy"), a -> a.endsWith("%"))));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (procs != null) {
      procs.close();
    }
    if (gate != null) {
      gate.close();
    }
  }

  @Test
  void fourClientsTrainTogetherAndMatchTheSimulation() throws Exception {
    JsonNode status = awaitCompleted();
    assertThat(status.get("round").asInt()).isEqualTo(ROUNDS);
    assertThat(status.get("registeredClients").asInt()).isEqualTo(CLIENTS);

    JsonNode rounds = Http.getJson(api("/rounds"));
    assertThat(rounds.size()).isEqualTo(ROUNDS);
    List<Double> accuracy = new ArrayList<>();
    for (JsonNode r : rounds) {
      assertThat(r.get("state").asString()).isEqualTo("COMPLETED");
      assertThat(r.get("participants").size()).as("round %d", r.get("round").asInt()).isEqualTo(CLIENTS);
      assertThat(r.get("training").size()).isEqualTo(CLIENTS);
      accuracy.add(r.get("globalTestAccuracy").asDouble());
    }
    assertThat(accuracy.get(0)).isGreaterThan(0.80);
    assertThat(accuracy.get(ROUNDS - 1)).isGreaterThan(0.88).isGreaterThanOrEqualTo(accuracy.get(0));

    // Every client scores every round's global model on its own test split.
    JsonNode scored = awaitEvaluations();
    for (JsonNode r : scored) {
      for (JsonNode e : r.get("evaluations")) {
        assertThat(e.get("accuracy").asDouble()).isBetween(0.5, 1.0);
      }
    }
    assertThat(Http.getJson(api("/rounds/1")).get("evaluations")).extracting(e -> e.get("numSamples").asInt())
        .containsExactlyInAnyOrder(300, 900, 600, 1200);

    // The exact same numbers as the engine's in-process simulation of this setup.
    double simulated = Reference.simulate(ROUNDS, EPOCHS).rounds().get(ROUNDS - 1).globalTestAccuracy();
    assertThat(accuracy.get(ROUNDS - 1)).as("services vs in-process simulation").isEqualTo(simulated);

    String clientLog = Files.readString(procs.log("client-2"));
    assertThat(clientLog).contains("round 1/" + ROUNDS).contains("round " + ROUNDS + "/" + ROUNDS);
  }

  @Test
  void theWorkbookHoldsTheWholeRun() throws Exception {
    awaitEvaluations();
    HttpResponse<byte[]> book = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(api("/metrics.xlsx"))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(book.statusCode()).isEqualTo(200);
    assertThat(book.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(book.body()))) {
      assertThat(wb.getSheet("Rounds").getLastRowNum()).isEqualTo(ROUNDS + 1); // header row 0, initial model
      assertThat(wb.getSheet("Training").getLastRowNum()).isEqualTo(CLIENTS * ROUNDS);
      assertThat(wb.getSheet("Evaluations").getLastRowNum()).isEqualTo(CLIENTS * ROUNDS);
      assertThat(wb.getSheet("Weights").getLastRowNum()).isEqualTo(LayerSizes.DEFAULT.parameterCount());
      assertThat(wb.getSheet("Weights").getRow(0).getLastCellNum()).as("5 labels, the rounds 0..3 and a note")
          .isEqualTo((short) (5 + ROUNDS + 2));
      assertThat(wb.getSheet("Weights").getRow(0).getCell(5 + ROUNDS + 1).getStringCellValue())
          .startsWith("Every round's global model");
      // Every local epoch of every client in every round, as the clients sent them with their updates.
      assertThat(wb.getSheet("Training curves").getLastRowNum()).isEqualTo(CLIENTS * ROUNDS * EPOCHS);
      Map<String, Integer> events = new TreeMap<>();
      Sheet sheet = wb.getSheet("Events");
      for (int i = 1; i <= sheet.getLastRowNum(); i++) {
        events.merge(sheet.getRow(i).getCell(1).getStringCellValue(), 1, Integer::sum);
      }
      assertThat(events).containsEntry("registered", CLIENTS).containsEntry("opened", ROUNDS)
          .containsEntry("update", CLIENTS * ROUNDS).containsEntry("aggregated", ROUNDS);
      assertThat(sheet.getRow(1).getCell(0).getCellType()).as("a date-time cell").isEqualTo(CellType.NUMERIC);
    }

    Path saved = state.resolve("metrics.xlsx");
    // Saved by the aggregator just after completion, written aside and moved into place whole.
    Await.until("the aggregator saves " + saved, Await.FILE_WRITTEN, () -> Files.exists(saved), exists -> exists);
    try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(saved))) {
      assertThat(wb.getSheet("Rounds").getLastRowNum()).as("the workbook saved at completion").isEqualTo(ROUNDS + 1);
    }
  }

  /**
   * The dashboard in a real browser (Debian's chromium through its chromedriver), opened with the read token before
   * any client started: without reloading, it showed each round's global test accuracy while the next round was open,
   * the same figures as the API, and the run completed, listed among the runs kept with the API's figures. A screenshot
   * is saved as {@code target/dashboard.png}.
   */
  @Test
  void theDashboardFollowsTheRunWithoutReloading() throws Exception {
    if (noBrowser != null) {
      BrowserSupport.skipOrFail(noBrowser);
    }
    if (pageFailure != null) {
      throw new AssertionError("while the run went on: " + pageFailure.getMessage(), pageFailure);
    }
    Await.until("the page shows the run completed", PAGE, () -> text("#state"), "COMPLETED"::equals);
    List<String> expected = new ArrayList<>();
    for (JsonNode r : Http.getJson(api("/rounds"))) {
      expected.add(String.format(Locale.ROOT, "%.2f%%", 100 * r.get("globalTestAccuracy").asDouble()));
    }
    assertThat(shown).as("each round's accuracy as the API has it").isEqualTo(expected);
    assertThat(browser.executeScript("return window.sameLoad === true;")).as("never reloaded").isEqualTo(true);
    Await.until("the page lists every client with its local test accuracy", PAGE,
        () -> browser.findElements(By.cssSelector("#clients tbody tr")).size(), n -> n == CLIENTS);
    assertThat(browser.findElements(By.cssSelector("#events li.aggregated"))).hasSize(ROUNDS);
    assertThat(browser.findElements(By.cssSelector("#accuracy-chart canvas"))).as("the accuracy chart").hasSize(1);
    assertThat(browser.findElement(By.id("workbook-link")).getAttribute("href"))
        .endsWith("/api/v1/metrics.xlsx?access_token=" + TOKEN);
    Await.until("the clients' scores of the last model", PAGE, () -> cell(ROUNDS, "mean"), a -> a.endsWith("%"));
    // The last model's confusion matrix over the clients' test splits, its per-class figures and macro F1 as the API
    // has them.
    Await.until("the confusion matrix of the last round", PAGE, () -> text("#confusion-round"),
        t -> t.startsWith("round " + ROUNDS + ","));
    JsonNode confusion = Http.getJson(api("/rounds/" + ROUNDS)).get("confusion");
    assertThat(browser.findElements(By.cssSelector("#confusion tbody tr"))).hasSize(10);
    assertThat(text("#confusion-0 td:nth-child(2)")).isEqualTo(confusion.get("counts").get(0).get(0).asString());
    assertThat(text("#class-macro td.f1")).isEqualTo(String.format(Locale.ROOT, "%.2f%%",
        100 * confusion.get("macroF1").asDouble()));
    // client-1's personalization of the final model, as the API has it.
    Await.until("client-1's personalization", PAGE, () -> browser.findElements(By.id("personalized-client-1")),
        rows -> rows.size() == 1);
    JsonNode personal = Http.getJson(api("/personalized"));
    assertThat(personal).hasSize(1);
    assertThat(text("#personalized-client-1 td:nth-child(5)")).isEqualTo(String.format(Locale.ROOT, "%.2f%%",
        100 * personal.get(0).get("accuracy").asDouble()));
    assertThat(text("#personalized-client-1 td:nth-child(4)")).isEqualTo(String.format(Locale.ROOT, "%.2f%%",
        100 * personal.get(0).get("globalAccuracy").asDouble()));
    // The page names the run it shows: the run served now.
    assertThat(Http.getJson(api("/status")).get("run").asInt()).as("the run served").isEqualTo(1);
    Await.until("the live page names the run served", PAGE, () -> text("#run-title"), "Run 1"::equals);
    // The runs the aggregator keeps: this one, completed, with the API's latest accuracy, and on the runs' chart.
    JsonNode runs = Http.getJson(api("/runs"));
    assertThat(runs).hasSize(1);
    String latest = String.format(Locale.ROOT, "%.2f%%", 100 * runs.get(0).get("latestAccuracy").asDouble());
    Await.until("the runs table shows the run completed", PAGE, () -> text("#run-1 td.state") + " "
        + text("#run-1 td.latest"), ("COMPLETED " + latest)::equals);
    assertThat(text("#run-1 td.id")).isEqualTo("1 (served)");
    assertThat(text("#run-1 td.strategy")).isEqualTo(runs.get(0).get("definition").get("strategy").get("name")
        .asString());
    assertThat(browser.findElements(By.cssSelector("#runs-chart canvas"))).as("the runs' chart").hasSize(1);
    assertThat(browser.findElement(By.cssSelector("#run-1 td.id a")).getAttribute("href")).as("the run's page")
        .endsWith("/?run=1&access_token=" + TOKEN);
    assertThat(browser.findElement(By.cssSelector("#run-1 a.workbook")).getAttribute("href"))
        .endsWith("/api/v1/runs/1/metrics.xlsx?access_token=" + TOKEN);
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Each run's own page, {@code /?run=N}, in a browser of its own. Here run 1 is the run served, so its page is the
   * live view, named "Run 1", with the API's rounds. A second aggregator, started on a copy of this one's state with
   * other settings, keeps run 1 as it ended and serves a new run 2, which no client joins. There, run 1's page is not
   * live: it shows run 1's rounds, figures, events and files from {@code /api/v1/runs/1}; a run submitted behind run 2
   * shows as queued, with its definition; and the live view, named "Run 2", follows run 3 without reloading when run 2
   * is stopped. A screenshot of run 1's page is saved as {@code target/dashboard-run-1.png}.
   */
  @Test
  void eachRunHasItsOwnPage() throws Exception {
    if (noBrowser != null) {
      BrowserSupport.skipOrFail(noBrowser);
    }
    awaitCompleted();
    JsonNode rounds = awaitEvaluations(); // run 1 holds all it ever will: its store is written no more
    ChromeDriver page = BrowserSupport.chromium(1400, 1700);
    try {
      page.get(base + "/?run=1&access_token=" + TOKEN);
      Await.until("run 1's page: the live view of the run served, with its rounds", PAGE,
          () -> text(page, "#run-title") + ", " + text(page, "#connection") + ", " + rows(page) + " rounds",
          ("Run 1, live, " + rounds.size() + " rounds")::equals);
      assertThat(rounds.size()).isEqualTo(ROUNDS);

      // The same state (the H2 file, written at each commit), under an aggregator started with one round more.
      Path copy = Processes.freshDir(Path.of("target", "e2e-state", "federated-pages"));
      Files.copy(state.resolve("fedlearn.mv.db"), copy.resolve("fedlearn.mv.db"));
      int port = Processes.freePort();
      String other = "http://localhost:" + port;
      procs.start("aggregator-pages", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port),
          "FL_ROUNDS", Integer.toString(ROUNDS + 1),
          "FL_CLIENTS", Integer.toString(CLIENTS),
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS),
          "FL_SEED", "42",
          "FL_READ_TOKEN", TOKEN,
          "FL_ADMIN_TOKEN", ADMIN,
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", copy.toString()));
      JsonNode runs = Await.answer("the second aggregator answers (log in " + LOGS.toAbsolutePath() + ")",
          Await.SERVICE_START, () -> Http.getJson(other + "/api/v1/runs?access_token=" + TOKEN));
      assertThat(runs).extracting(r -> r.get("id").asInt() + " " + r.get("state").asString())
          .containsExactly("1 COMPLETED", "2 WAITING_FOR_CLIENTS");
      JsonNode kept = Http.getJson(other + "/api/v1/runs/1/rounds?access_token=" + TOKEN);
      assertThat(kept.size()).as("run 1's rounds, kept").isEqualTo(ROUNDS);

      // Run 1's own page: not the run served, so not live; its rounds, figures, events and files.
      page.get(other + "/?run=1&access_token=" + TOKEN);
      Await.until("run 1's own page shows its rounds", PAGE, () -> text(page, "#run-title") + ", " + rows(page)
          + " rounds", ("Run 1, " + kept.size() + " rounds")::equals);
      assertThat(text(page, "#state")).isEqualTo("COMPLETED");
      assertThat(text(page, "#run-note")).contains("Run 1 has ended");
      for (JsonNode r : kept) {
        assertThat(text(page, "#round-" + r.get("round").asInt() + " td.accuracy")).as("round %s", r.get("round"))
            .isEqualTo(String.format(Locale.ROOT, "%.2f%%", 100 * r.get("globalTestAccuracy").asDouble()));
      }
      assertThat(text(page, "#round")).isEqualTo(ROUNDS + " / " + ROUNDS);
      Await.until("run 1's events, not the live ones", PAGE,
          () -> page.findElements(By.cssSelector("#events li.aggregated")).size(), n -> n == ROUNDS);
      assertThat(page.findElements(By.cssSelector("#accuracy-chart canvas"))).as("run 1's accuracy chart").hasSize(1);
      assertThat(page.findElement(By.id("workbook-link")).getAttribute("href"))
          .endsWith("/api/v1/runs/1/metrics.xlsx?access_token=" + TOKEN);
      assertThat(page.findElement(By.id("model-link")).getAttribute("href"))
          .endsWith("/api/v1/runs/1/model?access_token=" + TOKEN);
      assertThat(page.findElement(By.id("live-link")).isDisplayed()).as("a link back to the live view").isTrue();
      Await.until("the runs table, run 2 served", PAGE, () -> text(page, "#run-2 td.id") + ", "
          + text(page, "#run-1 td.state"), "2 (served), COMPLETED"::equals);
      assertThat(page.findElements(By.cssSelector("#run-1.shown"))).as("run 1 marked as the run shown").hasSize(1);
      Await.until("run 1's page follows the stream, not live", PAGE, () -> text(page, "#connection"),
          "not live"::equals);
      assertThat(text(page, "#message")).as("no error").isEmpty();
      Path shot = page.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, Path.of("target", "dashboard-run-1.png"), StandardCopyOption.REPLACE_EXISTING);

      // A queued run's page: its definition, and no failure on the answers it does not have yet (409).
      HttpResponse<String> third = post(other + "/api/v1/runs", "{\"rounds\": 2, \"strategy\": {\"name\": "
          + "\"fedavgm\"}}");
      assertThat(third.statusCode()).as(third.body()).isEqualTo(201);
      page.get(other + "/?run=3&access_token=" + TOKEN);
      Await.until("run 3's page: queued", PAGE, () -> text(page, "#run-title") + ", " + text(page, "#state") + ", "
          + text(page, "#definition-rounds td:last-child") + " rounds", "Run 3, QUEUED, 2 rounds"::equals);
      assertThat(text(page, "#definition-strategy\\.name td:last-child")).isEqualTo("fedavgm");
      assertThat(text(page, "#run-note")).contains("queued");
      assertThat(text(page, "#message")).as("no error").isEmpty();
      assertThat(rows(page)).isZero();
      assertThat(page.findElement(By.id("workbook-link")).isDisplayed()).as("no workbook yet").isFalse();

      // The live view names the run served, and follows the next one when it starts.
      page.get(other + "/?access_token=" + TOKEN);
      Await.until("the live view names run 2", PAGE, () -> text(page, "#run-title") + ", "
          + text(page, "#connection") + ", " + text(page, "#state"), "Run 2, live, WAITING_FOR_CLIENTS"::equals);
      page.executeScript("window.sameLoad = true;");
      HttpResponse<String> stop = post(other + "/api/v1/runs/2/stop", "{}");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      Await.until("the live view follows run 3", PAGE, () -> text(page, "#run-title") + ", "
          + text(page, "#state") + ", " + text(page, "#run-3 td.id"), "Run 3, WAITING_FOR_CLIENTS, 3 (served)"::equals);
      assertThat(page.executeScript("return window.sameLoad === true;")).as("never reloaded").isEqualTo(true);
    } finally {
      page.quit();
    }
  }

  /** A POST of {@code body} (JSON) with the second aggregator's admin token. */
  private static HttpResponse<String> post(String url, String body) throws Exception {
    return Http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The rows of {@code page}'s Rounds table. */
  private static int rows(ChromeDriver page) {
    return page.findElements(By.cssSelector("#rounds tbody tr")).size();
  }

  /** The rounds once each has every client's score of its model (the jars' last ones arrive after completion). */
  static JsonNode awaitEvaluations() {
    return Await.until("every round has " + CLIENTS + " evaluations", Await.LATE_REPORTS,
        () -> Http.getJson(api("/rounds")), rounds -> {
          for (JsonNode r : rounds) {
            if (r.get("evaluations").size() != CLIENTS) {
              return false;
            }
          }
          return true;
        });
  }

  /** An API path with the read token. */
  static String api(String path) {
    return base + "/api/v1" + path + (path.contains("?") ? "&" : "?") + "access_token=" + TOKEN;
  }

  /** The run's status once it has completed (fails at once if it failed). */
  static JsonNode awaitCompleted() {
    return Await.until("the run completes (logs in " + LOGS.toAbsolutePath() + ")", RUN, () -> {
      JsonNode status = Http.getJson(api("/status"));
      assertThat(status.get("state").asString()).as("run state: %s", status).isNotEqualTo("FAILED");
      return status;
    }, status -> status.get("state").asString().equals("COMPLETED"));
  }

  /** A check of the page while the run goes on; the first failure is kept for the dashboard test, the run goes on. */
  private static void watch(ThrowingRunnable check) {
    if (browser == null || pageFailure != null) {
      return;
    }
    try {
      check.run();
    } catch (Exception | AssertionError e) {
      pageFailure = e;
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** The text of a cell of a round's row in the Rounds table, "" while the row is not there. */
  private static String cell(int round, String column) {
    return text("#round-" + round + " td." + column);
  }

  /**
   * The text of the element {@code selector} finds, "" if none, read in one step in the page: the page replaces its
   * rows as events arrive, so an element found first and read after may be gone.
   */
  private static String text(String selector) {
    return text(browser, selector);
  }

  /** {@link #text(String)} in {@code page}. */
  private static String text(ChromeDriver page, String selector) {
    return (String) page.executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector);
  }
}
