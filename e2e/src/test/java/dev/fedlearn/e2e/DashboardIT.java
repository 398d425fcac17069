package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser: the page is opened (with the read token) before any client has started, then four
 * client jars run the seed's setup for a few rounds. Without reloading, the page must show each round's global test
 * accuracy as the round completes (while the next one is open), the same figures as the API, and the run completed.
 * A screenshot is saved as {@code target/dashboard.png}.
 */
class DashboardIT {
  static final int ROUNDS = 3;
  /**
   * Local epochs: four times the seed's 50, so that a round lasts 2 s or more even on an idle machine, against the
   * quarter second or so the page takes to show an event: the test sees every round open, then closed. (With 50, a
   * round could close before the page showed it open, and the wait for that sight never ended.)
   */
  static final int EPOCHS = 200;
  static final String TOKEN = "watcher";
  /** Start-up of four clients and round 1. */
  static final Duration RUN = Duration.ofMinutes(4);
  /** One more round, on a loaded machine. */
  static final Duration ROUND = Duration.ofMinutes(1);
  /** From an event on the aggregator to the page showing it (the page gathers reads for 200 ms). */
  static final Duration PAGE = Duration.ofSeconds(10);
  static final Path DATA = Path.of(System.getProperty("fl.data.dir", "../data"));

  @Test
  void thePageShowsEachRoundAsItCompletes() throws Exception {
    ChromeDriver browser = BrowserSupport.chromium(1400, 1700);
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "dashboard"))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port),
          "FL_ROUNDS", Integer.toString(ROUNDS),
          "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS),
          "FL_DATA_DIR", DATA.toString(),
          "FL_READ_TOKEN", TOKEN,
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "dashboard")).toString()));
      Await.answer("the aggregator answers", Await.SERVICE_START,
          () -> Http.getJson(base + "/api/v1/status?access_token=" + TOKEN));
      assertThat(Http.send(HttpRequest.newBuilder(URI.create(base + "/"))).statusCode())
          .as("the page needs the read token").isEqualTo(401);

      browser.get(base + "/?access_token=" + TOKEN);
      JavascriptExecutor js = browser;
      js.executeScript("window.sameLoad = true;");
      Await.until("the page follows the event stream", PAGE, () -> text(browser, "#connection"),
          "live"::equals);
      assertThat(text(browser, "#state")).isEqualTo("WAITING_FOR_CLIENTS");
      assertThat(browser.findElements(By.cssSelector("#rounds tbody tr"))).isEmpty();

      for (int c = 1; c <= 4; c++) {
        procs.startClient(c, base);
      }
      List<String> shown = new ArrayList<>();
      for (int r = 1; r <= ROUNDS; r++) {
        int round = r;
        // The round's accuracy appears while the next round is still open: the page follows the run as it goes.
        shown.add(Await.until("the page shows round " + r + "'s accuracy" + (r < ROUNDS ? " with round " + (r + 1)
            + " open" : ""), r == 1 ? RUN : ROUND, Duration.ofMillis(50), () -> {
              String accuracy = cell(browser, round, "accuracy");
              String next = round < ROUNDS ? cell(browser, round + 1, "state") : "open";
              return accuracy.endsWith("%") && "open".equals(next) ? accuracy : null;
            }, a -> a != null));
      }
      Await.until("the page shows the run completed", PAGE, () -> text(browser, "#state"), "COMPLETED"::equals);

      JsonNode rounds = Http.getJson(base + "/api/v1/rounds?access_token=" + TOKEN);
      List<String> expected = new ArrayList<>();
      for (JsonNode r : rounds) {
        expected.add(String.format(Locale.ROOT, "%.2f%%", 100 * r.get("globalTestAccuracy").asDouble()));
      }
      assertThat(shown).as("each round's accuracy as the API has it").isEqualTo(expected);
      assertThat(js.executeScript("return window.sameLoad === true;")).as("never reloaded").isEqualTo(true);
      Await.until("the page lists every client with its local test accuracy", PAGE,
          () -> browser.findElements(By.cssSelector("#clients tbody tr")).size(), n -> n == 4);
      assertThat(browser.findElements(By.cssSelector("#events li.aggregated"))).hasSize(ROUNDS);
      assertThat(browser.findElements(By.cssSelector("#accuracy-chart canvas"))).as("the accuracy chart").hasSize(1);
      assertThat(browser.findElement(By.id("workbook-link")).getAttribute("href"))
          .endsWith("/api/v1/metrics.xlsx?access_token=" + TOKEN);

      Await.until("the clients' scores of the last model", PAGE,
          () -> cell(browser, ROUNDS, "mean"), a -> a.endsWith("%"));
      Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.quit();
    }
  }

  /** The text of a cell of a round's row in the Rounds table, "" while the row is not there. */
  private static String cell(ChromeDriver browser, int round, String column) {
    return text(browser, "#round-" + round + " td." + column);
  }

  /**
   * The text of the element {@code selector} finds, "" if none, read in one step in the page: the page replaces its
   * rows as events arrive, so an element found first and read after may be gone.
   */
  private static String text(ChromeDriver browser, String selector) {
    return (String) browser.executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector);
  }
}
