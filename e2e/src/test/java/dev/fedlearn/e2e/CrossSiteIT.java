package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.protocol.GlobalModel;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

/**
 * Cross-site evaluation over the real jars: the aggregator with {@code FL_CROSS_SITE=true} and four client jars on the
 * committed shards run a short run; once it completes, every client uploads its last local model, then fetches the
 * five models, scores them on its test split and posts its row. The matrix equals {@code fl simulate --cross-site}'s
 * for the same settings exactly (the services' models are the simulation's bit for bit, so are the counts of correct
 * answers), and shows in the workbook's Cross-site sheet and the dashboard's heat map. Asking for it again is refused,
 * saying why; asking needs the admin token.
 */
class CrossSiteIT {
  static final int ROUNDS = 2;
  static final String ADMIN = "cross-site-admin";
  static final Duration RUN = Duration.ofMinutes(5);

  @Test
  void everySiteScoresEverySitesModelAsTheSimulationDoes() throws Exception {
    Path logs = Path.of("target", "e2e-logs", "cross-site");
    Path work = Processes.freshDir(Path.of("target", "e2e-state", "cross-site"));
    Path shards = Reference.DATA.resolve("shards");
    Path model = work.resolve("simulated.json");
    RunsIT.Cli simulated = RunsIT.Cli.run("simulate", "--shards", shards.toString(), "--mnist",
        Reference.DATA.resolve("mnist").toString(), "--rounds", Integer.toString(ROUNDS), "--epochs", "1",
        "--cross-site", "--save-model", model.toString());
    assertThat(simulated.exit()).as(simulated.output()).isZero();
    JsonNode expected = Http.JSON.readTree(simulated.output().lines().reduce((a, b) -> b).orElseThrow())
        .get("crossSite");
    assertThat(expected.get("models")).extracting(JsonNode::asString).containsExactly("global", "client-1",
        "client-2", "client-3", "client-4");

    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of("SERVER_PORT", Integer.toString(port),
          "FL_CROSS_SITE", "true", "FL_ADMIN_TOKEN", ADMIN, "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_CLIENTS", "4", "FL_ROUNDS", Integer.toString(ROUNDS), "FL_LOCAL_EPOCHS", "1",
          "FL_STATE_DIR", work.resolve("state").toString()));
      for (int c = 1; c <= 4; c++) {
        procs.startClient(c, base);
      }
      Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());
      JsonNode matrix = Await.until("the cross-site evaluation is done (logs in " + logs.toAbsolutePath() + ")", RUN,
          () -> Http.getJson(base + "/api/v1/cross-site"), m -> m.get("state").asString().equals("DONE"));

      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      assertThat(last.weights()).as("bit for bit fl simulate --shards").containsExactly(
          Http.JSON.readValue(Files.readString(model), GlobalModel.class).weights());
      assertThat(matrix.get("models")).isEqualTo(expected.get("models"));
      assertThat(matrix.get("rows")).hasSize(4);
      for (int r = 0; r < 4; r++) {
        JsonNode got = matrix.get("rows").get(r);
        JsonNode want = expected.get("rows").get(r);
        long n = want.get("testSamples").asLong();
        assertThat(got.get("site").asString()).isEqualTo(want.get("site").asString());
        assertThat(got.get("testSamples").asLong()).isEqualTo(n);
        List<Double> exact = new ArrayList<>();
        for (JsonNode a : want.get("accuracy")) { // the simulation's accuracy, to 6 digits: its count of n is exact
          exact.add((double) Math.round(a.asDouble() * n) / n);
        }
        List<Double> accuracy = new ArrayList<>();
        got.get("accuracy").forEach(a -> accuracy.add(a.asDouble()));
        assertThat(accuracy).as("%s's row", want.get("site").asString()).isEqualTo(exact);
      }

      HttpResponse<String> anonymous = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cross-site"))
          .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
      HttpResponse<String> again = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/cross-site"))
          .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
      assertThat(Http.JSON.readTree(again.body()).get("detail").asString()).contains("was asked for at")
          .contains("DONE");

      try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(Http.getBytes(base
          + "/api/v1/metrics.xlsx")))) {
        XSSFSheet sheet = book.getSheet("Cross-site");
        assertThat(sheet).as("the workbook's Cross-site sheet").isNotNull();
        assertThat(sheet.getRow(0).getCell(2).getStringCellValue()).isEqualTo("global");
        assertThat(sheet.getRow(2).getCell(0).getStringCellValue()).isEqualTo("client-2");
        assertThat(sheet.getRow(2).getCell(4).getNumericCellValue()).as("client-2 scores its own model")
            .isEqualTo(matrix.get("rows").get(1).get("accuracy").get(2).asDouble());
      }
      heatMap(base, matrix);
    }
  }

  /** The dashboard's heat map shows the matrix: each cell its accuracy, shaded by it. */
  private static void heatMap(String base, JsonNode matrix) {
    String noBrowser = BrowserSupport.missing();
    if (noBrowser != null) {
      BrowserSupport.skipOrFail(noBrowser);
    }
    ChromeDriver page = BrowserSupport.chromium(1400, 1700);
    try {
      page.get(base + "/");
      // Read in one script: the page re-renders its tables on every event.
      String cells = "return [...document.querySelectorAll('#cross-site tbody tr')].map(tr => tr.id + ':' + "
          + "[...tr.querySelectorAll('td.heat')].map(td => td.textContent).join(' '))";
      Await.until("the page shows the cross-site evaluation done", Duration.ofMinutes(1),
          () -> String.valueOf(page.executeScript("return document.getElementById('cross-site-section').hidden ? "
              + "'hidden' : document.getElementById('cross-site-state').textContent")), "done"::equals);
      List<String> want = new ArrayList<>();
      for (JsonNode row : matrix.get("rows")) {
        List<String> shown = new ArrayList<>();
        row.get("accuracy").forEach(a -> shown.add(String.format(Locale.ROOT, "%.2f%%", 100 * a.asDouble())));
        want.add("cross-site-" + row.get("site").asString() + ":" + String.join(" ", shown));
      }
      assertThat(page.executeScript(cells)).as("each site's row, as the API has it").isEqualTo(want);
      assertThat(page.executeScript("return getComputedStyle(document.querySelector('#cross-site-client-1 td.heat'))"
          + ".backgroundColor")).as("shaded by its accuracy").isNotEqualTo("rgba(0, 0, 0, 0)");
    } finally {
      page.quit();
    }
  }
}
