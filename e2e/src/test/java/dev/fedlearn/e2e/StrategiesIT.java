package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.protocol.GlobalModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A server optimizer with client sampling over real processes: FedAdam, half the clients a round. Each round waits
 * only for its two picked clients, the others sit it out, and the final model is the in-process simulation's with the
 * same strategy and sampler, to the last bit (so the strategy's state and the picks are the same on both paths).
 */
class StrategiesIT {
  static final int ROUNDS = 3;
  static final int EPOCHS = 2;
  static final String PARAMS = "eta=0.03";
  /** Start-up, registration and the three short rounds. */
  static final Duration RUN = Duration.ofMinutes(10);

  @Test
  void fedAdamWithHalfTheClientsMatchesTheSimulation() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "strategies"))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_STRATEGY", "fedadam", "FL_STRATEGY_PARAMS", PARAMS,
          "FL_FRACTION_FIT", "0.5", "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "strategies")).toString()));
      for (int c = 1; c <= 4; c++) {
        procs.startClient(c, base);
      }
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in e2e/target/e2e-logs/strategies");
      assertThat(status.get("round").asInt()).isEqualTo(ROUNDS);

      Reference.Run simulated = Reference.simulate(ROUNDS, EPOCHS, Strategies.create("fedadam", PARAMS),
          new ClientSampler(0.5, 1));
      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      List<List<String>> selected = new ArrayList<>();
      for (JsonNode r : rounds) {
        List<String> picked = new ArrayList<>();
        r.get("selected").forEach(n -> picked.add(n.asString()));
        List<String> sent = new ArrayList<>();
        r.get("participants").forEach(n -> sent.add(n.asString()));
        assertThat(picked).as("round %d", r.get("round").asInt()).hasSize(2);
        assertThat(sent).as("only the picked clients train").isEqualTo(picked);
        selected.add(picked);
      }
      assertThat(selected).as("the same picks as the simulation")
          .isEqualTo(simulated.rounds().stream().map(r -> r.picked()).toList());
      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      assertThat(last.weights()).as("bit for bit the simulation's model").containsExactly(simulated.model().params());
      long satOut = 0;
      for (int c = 1; c <= 4; c++) {
        satOut += Files.readString(procs.log("client-" + c)).lines().filter(l -> l.contains("sitting it out")).count();
      }
      assertThat(satOut).as("two clients sit out each round").isEqualTo(2L * ROUNDS);
    }
  }
}
