package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.Defaults;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Krum against a hostile client over real processes: three real client jars train honestly, and the test plays the
 * fourth client, which registers like the others and posts, every round, weights of the right shape, finite and
 * within the norm bound, but drawn at random. The run completes; its final model is bit for bit the one the
 * in-process reckoning of the same rounds gives (Krum picked an honest update every round), and it scores as well as
 * the run of four honest clients under Krum, while FedAvg of the same updates would have collapsed.
 */
class KrumIT {
  static final int ROUNDS = 3;
  static final int EPOCHS = 5;
  static final String STRATEGY = "krum";
  static final String PARAMS = "byzantine=1";
  static final String HOSTILE = "client-4";
  /** The hostile client's weights: uniform in [-GARBAGE, GARBAGE] (norm about 73 for 15,910 weights: accepted). */
  static final float GARBAGE = 1f;
  /** How far below the honest run's accuracy the attacked run may end: Krum then follows another honest client. */
  static final double CLEAN_ACCURACY_TOLERANCE = 0.02;
  /** Start-up of four JVMs, registration and the three short rounds. */
  static final Duration RUN = Duration.ofMinutes(10);
  /** How long one model poll is held by the aggregator. */
  static final int POLL_SECONDS = 20;

  String base;

  @Test
  void krumIgnoresAClientPostingGarbage() throws Exception {
    Path logs = Path.of("target", "e2e-logs", "krum");
    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_STRATEGY", STRATEGY, "FL_STRATEGY_PARAMS", PARAMS,
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "krum")).toString()));
      for (int c = 1; c <= 3; c++) {
        procs.startClient(c, base);
      }
      Simulation.Site hostileSite = Reference.site(4);
      playTheHostileClient(hostileSite);
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());
      assertThat(status.get("strategy").get("name").asString()).isEqualTo(STRATEGY);

      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      for (JsonNode r : rounds) {
        assertThat(r.get("participants")).extracting(JsonNode::asString).as("round %d", r.get("round").asInt())
            .containsExactly("client-1", "client-2", "client-3", HOSTILE);
      }
      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/model?after=" + ROUNDS))).body(), GlobalModel.class);
      Reckoning expected = reckon(hostileSite.train().size());
      assertThat(last.weights()).as("bit for bit the in-process rounds with the same garbage")
          .containsExactly(expected.model().params());

      Features test = Reference.testSet();
      double attacked = status.get("latest").get("globalTestAccuracy").asDouble();
      double clean = Reference.simulate(ROUNDS, EPOCHS, Strategies.create(STRATEGY, PARAMS), ClientSampler.ALL)
          .rounds().get(ROUNDS - 1).globalTestAccuracy();
      double averaged = Evaluator.evaluate(expected.fedAvgOfLastRound(), test, 2).accuracy();
      System.out.printf(java.util.Locale.ROOT, "krum: global test accuracy %.4f with a garbage client, %.4f with "
          + "four honest ones; FedAvg of the last round's updates: %.4f%n", attacked, clean, averaged);
      assertThat(attacked).as("the clean accuracy").isGreaterThanOrEqualTo(clean - CLEAN_ACCURACY_TOLERANCE);
      assertThat(averaged).as("the garbage is harmful: FedAvg of the same updates collapses").isLessThan(0.5);
    }
  }

  /** Registers as the hostile client and posts garbage for every round until the run is over. */
  private void playTheHostileClient(Simulation.Site site) throws Exception {
    Instant deadline = Instant.now().plus(RUN);
    Await.until("the aggregator answers " + base, Await.SERVICE_START,
        () -> post("/clients", new ClientRegistration(HOSTILE, site.train().size(), site.test().size())).statusCode(),
        code -> code == 200);
    int seen = -1;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/model?after=" + seen
          + "&wait=" + POLL_SECONDS + "&clientId=" + HOSTILE)));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      GlobalModel model = Http.JSON.readValue(r.body(), GlobalModel.class);
      if (model.state() == RunState.COMPLETED || model.state() == RunState.FAILED) {
        return;
      }
      if (model.state() == RunState.TRAINING && !model.submitted()) {
        int round = model.round() + 1;
        HttpResponse<String> sent = post("/rounds/" + round + "/updates", new ClientUpdate(HOSTILE,
            site.train().size(), model.layerSizes(), garbage(round, model.weights().length), 2.3, 0.1));
        assertThat(sent.statusCode()).as("garbage of the right shape is accepted: %s", sent.body()).isEqualTo(202);
      }
      seen = model.round();
    }
    throw new AssertionError("the run did not end within " + RUN);
  }

  /** The hostile client's weights for a round: reproducible, finite, uniform in [-GARBAGE, GARBAGE]. */
  static float[] garbage(int round, int n) {
    SplittableRandom rng = new SplittableRandom(1_000 + round);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) ((rng.nextDouble() * 2 - 1) * GARBAGE);
    }
    return w;
  }

  /** The final model of the same rounds reckoned in process, and FedAvg of the last round's updates. */
  record Reckoning(Model model, Model fedAvgOfLastRound) {}

  /**
   * The rounds as the aggregator runs them: the three honest clients train the global model as the client jars do,
   * the hostile one sends {@link #garbage}, and Krum combines them.
   */
  static Reckoning reckon(long hostileSamples) throws Exception {
    List<Simulation.Site> honest = new ArrayList<>();
    for (int c = 1; c <= 3; c++) {
      honest.add(Reference.site(c));
    }
    Strategy krum = Strategies.create(STRATEGY, PARAMS);
    Model global = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, Defaults.SEED_VALUE);
    Map<String, float[]> state = Map.of();
    Model averaged = null;
    for (int r = 1; r <= ROUNDS; r++) {
      List<ClientResult> results = new ArrayList<>();
      for (Simulation.Site site : honest) {
        LocalTraining.Result t = LocalTraining.run(global, site.train(), Reference.config(EPOCHS), site.id(), r,
            null);
        results.add(new ClientResult(site.id(), t.weights(), t.numSamples()));
      }
      results.add(new ClientResult(HOSTILE, garbage(r, global.params().length), hostileSamples));
      averaged = new FedAvg().aggregate(r, global, results, List.of(), Map.of()).model();
      Strategy.Aggregation next = krum.aggregate(r, global, results, List.of(), state);
      global = next.model();
      state = next.state();
    }
    return new Reckoning(global, averaged);
  }

  private HttpResponse<String> post(String path, Object body) throws Exception {
    return Http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(body))));
  }
}
