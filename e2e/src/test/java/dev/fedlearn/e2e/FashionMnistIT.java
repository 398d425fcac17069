package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.protocol.GlobalModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Fashion-MNIST over the real jars with its one setting: the aggregator with {@code FL_DATASET=fashion-mnist} scores
 * on Fashion-MNIST's test set and names the run so; four client jars train on the committed Fashion-MNIST shards;
 * the final model is bit for bit {@code fl simulate --shards data/shards-fashion-mnist}'s (which takes the dataset
 * from the shards), at the same accuracy.
 */
class FashionMnistIT {
  static final int ROUNDS = 2;
  static final Duration RUN = Duration.ofMinutes(5);

  @Test
  void fashionMnistTrainsOverTheServicesAsInTheSimulation() throws Exception {
    Path logs = Path.of("target", "e2e-logs", "fashion");
    Path work = Processes.freshDir(Path.of("target", "e2e-state", "fashion"));
    Path shards = Reference.DATA.resolve("shards-fashion-mnist");
    Path model = work.resolve("simulated.json");
    RunsIT.Cli simulated = RunsIT.Cli.run("simulate", "--shards", shards.toString(), "--mnist",
        Reference.DATA.resolve("fashion-mnist").toString(), "--rounds", Integer.toString(ROUNDS), "--epochs", "1",
        "--save-model", model.toString());
    assertThat(simulated.exit()).as(simulated.output()).isZero();
    JsonNode summary = Http.JSON.readTree(simulated.output().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(summary.get("dataset").asString()).isEqualTo("fashion-mnist");

    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of("SERVER_PORT", Integer.toString(port),
          "FL_DATASET", "fashion-mnist", "FL_DATA_DIR", Reference.DATA.toString(), "FL_CLIENTS", "4",
          "FL_ROUNDS", Integer.toString(ROUNDS), "FL_LOCAL_EPOCHS", "1", "FL_STATE_DIR",
          work.resolve("state").toString()));
      for (int c = 1; c <= 4; c++) {
        procs.startClient("client-" + c, c, base, Map.of("FL_CLIENT_SHARD",
            shards.resolve("client-" + c + ".csv.gz").toString()));
      }
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());

      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      GlobalModel expected = Http.JSON.readValue(Files.readString(model), GlobalModel.class);
      assertThat(last.weights()).as("bit for bit fl simulate --shards").containsExactly(expected.weights());
      assertThat(status.get("latest").get("globalTestAccuracy").asDouble())
          .isEqualTo(summary.get("globalTestAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(Http.getJson(base + "/api/v1/runs/" + status.get("run").asInt()).toString())
          .as("the run's definition names its data").contains("\"dataset\":\"fashion-mnist\"");
    }
  }
}
