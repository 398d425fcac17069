package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole product over real HTTP: the aggregator jar and four client jars, each client with only its own shard,
 * on free local ports, for a short run (3 rounds of 2 epochs). The result must be exactly what the in-process
 * simulation of the same setup gives: the network changes nothing.
 */
class FederatedRunIT {
  static final int ROUNDS = 3;
  static final int EPOCHS = 2;
  /** Start-up, registration and the three short rounds. */
  static final Duration RUN = Duration.ofMinutes(4);
  static final Path DATA = Path.of(System.getProperty("fl.data.dir", "../data"));

  @Test
  void fourClientsTrainTogetherAndMatchTheSimulation() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs"))) {
      int port = Processes.freePort();
      Path state = Processes.freshDir(Path.of("target", "e2e-state", "federated"));
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port),
          "FL_ROUNDS", Integer.toString(ROUNDS),
          "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS),
          "FL_SEED", "42",
          "FL_DATA_DIR", DATA.toString(),
          "FL_STATE_DIR", state.toString()));
      for (int c = 1; c <= 4; c++) {
        procs.start("client-" + c, Processes.jar("client.jar"), Map.of(
            "SERVER_PORT", Integer.toString(Processes.freePort()),
            "FL_CLIENT_ID", "client-" + c,
            "FL_CLIENT_SHARD", DATA.resolve("shards/client-" + c + ".csv.gz").toString(),
            "FL_AGGREGATOR_URL", base));
      }
      JsonNode status = Http.awaitCompleted(base, RUN,
          "logs in " + procs.log("aggregator").getParent().toAbsolutePath());
      assertThat(status.get("round").asInt()).isEqualTo(ROUNDS);
      assertThat(status.get("registeredClients").asInt()).isEqualTo(4);

      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      assertThat(rounds.size()).isEqualTo(ROUNDS);
      List<Double> accuracy = new ArrayList<>();
      for (JsonNode r : rounds) {
        assertThat(r.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(r.get("participants").size()).as("round %d", r.get("round").asInt()).isEqualTo(4);
        assertThat(r.get("training").size()).isEqualTo(4);
        accuracy.add(r.get("globalTestAccuracy").asDouble());
      }
      assertThat(accuracy.get(0)).isGreaterThan(0.80);
      assertThat(accuracy.get(ROUNDS - 1)).isGreaterThan(0.88).isGreaterThanOrEqualTo(accuracy.get(0));

      // Every client scores every round's global model on its own test split; the last may still be arriving.
      for (JsonNode r : Http.awaitEvaluations(base, 4, Await.LATE_REPORTS)) {
        assertThat(r.get("evaluations").size()).isEqualTo(4);
        for (JsonNode e : r.get("evaluations")) {
          assertThat(e.get("accuracy").asDouble()).isBetween(0.5, 1.0);
        }
      }
      assertThat(Http.getJson(base + "/api/v1/rounds/1").get("evaluations")).extracting(e -> e.get("numSamples").asInt())
          .containsExactlyInAnyOrder(300, 900, 600, 1200);

      // The exact same numbers as the engine's in-process simulation of this setup.
      double simulated = Reference.simulate(ROUNDS, EPOCHS).rounds().get(ROUNDS - 1).globalTestAccuracy();
      assertThat(accuracy.get(ROUNDS - 1)).as("services vs in-process simulation").isEqualTo(simulated);

      HttpResponse<byte[]> book = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/metrics.xlsx"))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(book.statusCode()).isEqualTo(200);
      assertThat(book.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
      try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(book.body()))) {
        assertThat(wb.getSheet("Rounds").getLastRowNum()).isEqualTo(ROUNDS + 1); // header row 0, initial model
        assertThat(wb.getSheet("Training").getLastRowNum()).isEqualTo(4 * ROUNDS);
        assertThat(wb.getSheet("Evaluations").getLastRowNum()).isEqualTo(4 * ROUNDS);
        assertThat(wb.getSheet("Weights").getLastRowNum()).isEqualTo(LayerSizes.DEFAULT.parameterCount());
        assertThat(wb.getSheet("Weights").getRow(0).getLastCellNum()).as("5 labels, the rounds 0..3 and a note")
            .isEqualTo((short) (5 + ROUNDS + 2));
        assertThat(wb.getSheet("Weights").getRow(0).getCell(5 + ROUNDS + 1).getStringCellValue())
            .startsWith("Every round's global model");
        // Every local epoch of every client in every round, as the clients sent them with their updates.
        assertThat(wb.getSheet("Training curves").getLastRowNum()).isEqualTo(4 * ROUNDS * EPOCHS);
        Map<String, Integer> events = new java.util.TreeMap<>();
        org.apache.poi.ss.usermodel.Sheet sheet = wb.getSheet("Events");
        for (int i = 1; i <= sheet.getLastRowNum(); i++) {
          events.merge(sheet.getRow(i).getCell(1).getStringCellValue(), 1, Integer::sum);
        }
        assertThat(events).containsEntry("registered", 4).containsEntry("opened", ROUNDS)
            .containsEntry("update", 4 * ROUNDS).containsEntry("aggregated", ROUNDS);
        assertThat(sheet.getRow(1).getCell(0).getCellType()).as("a date-time cell")
            .isEqualTo(org.apache.poi.ss.usermodel.CellType.NUMERIC);
      }

      Path saved = state.resolve("metrics.xlsx");
      // Saved by the aggregator just after completion, written aside and moved into place whole.
      Await.until("the aggregator saves " + saved, Await.FILE_WRITTEN, () -> Files.exists(saved), exists -> exists);
      try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(saved))) {
        assertThat(wb.getSheet("Rounds").getLastRowNum()).as("the workbook saved at completion").isEqualTo(ROUNDS + 1);
      }

      JsonNode docs = Http.getJson(base + "/v3/api-docs");
      assertThat(docs.get("info").get("title").asString()).isEqualTo("fedlearn aggregator");
      assertThat(docs.get("paths").has("/api/v1/rounds/{round}/updates")).isTrue();

      String clientLog = Files.readString(procs.log("client-2"));
      assertThat(clientLog).contains("round 1/" + ROUNDS).contains("round " + ROUNDS + "/" + ROUNDS);
    }
  }
}
