package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.protocol.GlobalModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A table over the real jars: {@code fl shards --csv} splits the Breast Cancer Wisconsin data across four hospitals
 * with label skew; the aggregator, holding no data but the schema {@code fl shards} wrote, runs four client jars
 * that read their hospital's CSV. The inputs are standardized with every hospital's column sums, the clients score
 * the global models, and the final model is bit for bit the one {@code fl simulate --shards} gives, at the same
 * accuracy. A fifth site whose table has a label the run does not know sits the run out, saying which line, and the
 * run goes on without it. With secure aggregation the hospitals mask their column sums before round 1: the aggregator
 * standardizes from their total alone, to the same bits, and the model is bit for bit the secure simulation's.
 */
class TablesIT {
  static final int ROUNDS = 5;
  static final List<String> TRAINING = List.of("--rounds", Integer.toString(ROUNDS), "--epochs", "5", "--batch-size",
      "8", "--hidden", "16", "--learning-rate", "0.01");
  static final Duration RUN = Duration.ofMinutes(5);

  @Test
  void hospitalsTrainOnTheirTablesAsTheSimulationDoes() throws Exception {
    Path logs = Path.of("target", "e2e-logs", "tables");
    Path work = Processes.freshDir(Path.of("target", "e2e-state", "tables"));
    Path shards = hospitals(work);
    assertThat(shards.resolve("schema.json")).exists();
    Path model = work.resolve("simulated.json");
    RunsIT.Cli simulated = RunsIT.Cli.run(concat(List.of("simulate", "--shards", shards.toString(), "--save-model",
        model.toString(), "--personalize-epochs", "5"), TRAINING));
    assertThat(simulated.exit()).as(simulated.output()).isZero();
    JsonNode summary = Http.JSON.readTree(simulated.output().lines().reduce((a, b) -> b).orElseThrow());
    Path misfit = work.resolve("misfit.csv"); // a hospital that codes its diagnoses otherwise
    List<String> rows = Files.readAllLines(shards.resolve("client-2.csv"));
    rows.set(3, rows.get(3).replaceFirst("^[a-z]+,", "M,"));
    Files.write(misfit, rows);

    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of("SERVER_PORT", Integer.toString(port),
          "FL_SCHEMA_FILE", shards.resolve("schema.json").toString(), "FL_CLIENTS", "4",
          "FL_ROUNDS", Integer.toString(ROUNDS), "FL_LOCAL_EPOCHS", "5", "FL_BATCH_SIZE", "8", "FL_HIDDEN", "16",
          "FL_LEARNING_RATE", "0.01", "FL_DATA_DIR", Files.createDirectories(work.resolve("no-data")).toString(),
          "FL_STATE_DIR", work.resolve("state").toString()));
      int misfitPort = Processes.freePort();
      procs.startClient("client-5", 5, base, Map.of("SERVER_PORT", Integer.toString(misfitPort),
          "FL_CLIENT_SHARD", misfit.toString(), "FL_LABEL_COLUMN", "diagnosis"));
      JsonNode sitting = Await.until("client-5 sits the run out", Await.SERVICE_START,
          () -> Http.getJson("http://localhost:" + misfitPort + "/api/v1/status"),
          s -> s.hasNonNull("lastError") && s.get("lastError").asString().startsWith("sat out"));
      assertThat(sitting.get("lastError").asString()).contains(misfit + ": line 4, column 'diagnosis': 'M' is not "
          + "one of the run's classes [benign, malignant]");
      for (int c = 1; c <= 4; c++) {
        procs.startClient("client-" + c, c, base, Map.of("FL_CLIENT_SHARD",
            shards.resolve("client-" + c + ".csv").toString(), "FL_LABEL_COLUMN", "diagnosis",
            "FL_PERSONALIZE_EPOCHS", "5"));
      }
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());
      JsonNode personalized = Await.until("the four hospitals' personalizations", RUN,
          () -> Http.getJson(base + "/api/v1/personalized"), p -> p.size() == 4);
      for (int c = 0; c < 4; c++) { // each hospital fine-tuned as fl simulate --personalize-epochs does, bit for bit
        JsonNode site = summary.get("personalized").get(c);
        JsonNode got = personalized.get(c);
        assertThat(got.get("clientId").asString()).isEqualTo(site.get("client").asString());
        assertThat(got.get("epochs").asInt()).isEqualTo(5);
        assertThat(got.get("globalAccuracy").asDouble()).isCloseTo(site.get("global").asDouble(),
            org.assertj.core.data.Offset.offset(1e-6));
        assertThat(got.get("accuracy").asDouble()).isCloseTo(site.get("personalized").asDouble(),
            org.assertj.core.data.Offset.offset(1e-6));
      }
      Http.awaitEvaluations(base, 4, RUN);
      status = Http.getJson(base + "/api/v1/status");

      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      GlobalModel expected = Http.JSON.readValue(Files.readString(model), GlobalModel.class);
      assertThat(last.weights()).as("bit for bit fl simulate --shards").containsExactly(expected.weights());
      assertThat(last.plan().table()).as("the schema and the standardization").isEqualTo(expected.plan().table());
      JsonNode latest = status.get("latest");
      assertThat(latest.get("scoredBy").asString()).isEqualTo("clients");
      assertThat(latest.get("globalTestAccuracy").asDouble())
          .isCloseTo(summary.get("globalTestAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(status.get("registeredClients").asInt()).isEqualTo(4);
      assertThat(latest.get("confusion").get("counts")).as("the clients' confusion counts, summed")
          .isEqualTo(summary.get("confusion"));
      assertThat(latest.get("confusion").get("classes")).isEqualTo(summary.get("classes"));
    }
  }

  @Test
  void withSecureAggregationTheHospitalsColumnSumsAreMaskedAndStandardizeAsInTheClear() throws Exception {
    Path logs = Path.of("target", "e2e-logs", "tables-secure");
    Path work = Processes.freshDir(Path.of("target", "e2e-state", "tables-secure"));
    Path shards = hospitals(work);
    Path plainModel = work.resolve("plain.json");
    Path secureModel = work.resolve("secure.json");
    RunsIT.Cli plain = RunsIT.Cli.run(concat(List.of("simulate", "--shards", shards.toString(), "--save-model",
        plainModel.toString()), TRAINING));
    assertThat(plain.exit()).as(plain.output()).isZero();
    RunsIT.Cli secure = RunsIT.Cli.run(concat(List.of("simulate", "--shards", shards.toString(),
        "--secure-aggregation", "--save-model", secureModel.toString()), TRAINING));
    assertThat(secure.exit()).as(secure.output()).isZero();
    assertThat(secure.output()).contains("clients' test scores stay on the sites (private run)");

    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      Map<String, String> settings = new java.util.HashMap<>(Map.of("SERVER_PORT", Integer.toString(port),
          "FL_SCHEMA_FILE", shards.resolve("schema.json").toString(), "FL_CLIENTS", "4",
          "FL_SECURE_AGGREGATION", "true", "FL_ROUNDS", Integer.toString(ROUNDS), "FL_LOCAL_EPOCHS", "5",
          "FL_BATCH_SIZE", "8", "FL_HIDDEN", "16", "FL_LEARNING_RATE", "0.01"));
      settings.put("FL_DATA_DIR", Files.createDirectories(work.resolve("no-data")).toString());
      settings.put("FL_STATE_DIR", work.resolve("state").toString());
      procs.start("aggregator", Processes.jar("aggregator.jar"), settings);
      for (int c = 1; c <= 4; c++) {
        procs.startClient("client-" + c, c, base, Map.of("FL_CLIENT_SHARD",
            shards.resolve("client-" + c + ".csv").toString(), "FL_LABEL_COLUMN", "diagnosis"));
      }
      Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());
      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      GlobalModel inTheClear = Http.JSON.readValue(Files.readString(plainModel), GlobalModel.class);
      GlobalModel simulated = Http.JSON.readValue(Files.readString(secureModel), GlobalModel.class);
      assertThat(last.plan().table()).as("standardized from the masked sums' total: the bits of the sums in the clear")
          .isEqualTo(inTheClear.plan().table());
      assertThat(last.weights()).as("bit for bit fl simulate --secure-aggregation").containsExactly(
          simulated.weights());
      JsonNode events = Http.getJson(base + "/api/v1/runs/1/events");
      assertThat(events.toString()).contains("secure aggregation of the table's column sums: masks removed, the 569 "
          + "rows of 4 clients");
    }
  }

  /** The breast cancer table split across four hospitals with label skew, by {@code fl shards --csv}. */
  private static Path hospitals(Path work) throws Exception {
    Path shards = work.resolve("hospitals");
    RunsIT.Cli split = RunsIT.Cli.run("shards", "--csv", Reference.DATA.resolve("breast-cancer.csv").toString(),
        "--label-column", "diagnosis", "--clients", "4", "--partition", "dirichlet:0.5", "--out", shards.toString());
    assertThat(split.exit()).as(split.output()).isZero();
    return shards;
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }
}
