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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The resume scenario, whatever store the aggregator keeps its run in (ResumeIT: the default H2 file;
 * PostgresResumeIT: PostgreSQL). The aggregator jar and four client jars run as processes; the aggregator is killed
 * (SIGKILL) in the middle of a round, after some but not all of the round's updates were accepted, and started again
 * with the same settings on the same store. Checked here for every store: the restarted aggregator resumed the
 * stored run with the rounds and the updates it had accepted, the clients reconnected by themselves, every round is
 * there once with its four participants, and every round's score and the final model are bit for bit those of the
 * in-process simulation with the same strategy, that is of a run without the crash (so a server optimizer's state,
 * kept with each round, survived the kill).
 */
final class ResumeScenario {
  static final int CLIENTS = 4;
  /**
   * Start-up of five JVMs, registration and training until the round to interrupt has the other clients' updates: a
   * safety net (on a loaded two-core machine the start-up alone has taken over two minutes).
   */
  static final Duration TO_MID_ROUND = Duration.ofMinutes(10);
  /** From the kill until the restarted aggregator answers. */
  static final Duration RESTART = Duration.ofMinutes(5);
  /** From the restart until the run has completed. */
  static final Duration REST_OF_RUN = Duration.ofMinutes(10);

  /** The restarted aggregator's first words about the stored run (RunCoordinator's log line). */
  private static final Pattern RESUMED = Pattern.compile("resumed the stored run: TRAINING, (\\d+) of (\\d+) rounds "
      + "done, (\\d+) clients(?:; round (\\d+) open with (\\d+) of \\d+ updates)?");

  /**
   * What happened: the status just before the kill, the status at completion, and where the two aggregators'
   * logs and the run's state folder are.
   */
  record Outcome(JsonNode beforeKill, JsonNode completed, Path aggregatorLog, Path restartedLog, Path stateDir) {}

  private ResumeScenario() {}

  /**
   * Runs the scenario named {@code name} (its logs in e2e/target/e2e-logs/NAME, its state folder in
   * e2e/target/e2e-state/NAME) for {@code rounds} rounds of {@code epochs} epochs, the aggregator killed in round
   * {@code killRound} once it has every client's update but the last one's; {@code storeEnv} is added to the aggregator's environment (empty:
   * the default H2 file in the state folder); the run combines the updates with {@code strategy} and its
   * {@code params} ({@code FL_STRATEGY}, {@code FL_STRATEGY_PARAMS}).
   */
  static Outcome run(String name, int rounds, int epochs, int killRound, Map<String, String> storeEnv,
      String strategy, String params) throws Exception {
    Path logs = Path.of("target", "e2e-logs", name);
    Path state = Processes.freshDir(Path.of("target", "e2e-state", name));
    int port = Processes.freePort();
    String base = "http://localhost:" + port;
    // The last client reaches the aggregator through a gate that holds its update of the round to interrupt: that
    // round is then half done (every other client's update in, this one's not) for as long as the test needs.
    try (Processes procs = new Processes(logs); UpdateGate gate = new UpdateGate(base).hold(killRound)) {
      Map<String, String> env = new HashMap<>(Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(rounds),
          "FL_CLIENTS", Integer.toString(CLIENTS), "FL_LOCAL_EPOCHS", Integer.toString(epochs), "FL_SEED", "42",
          "FL_DATA_DIR", Reference.DATA.toString(), "FL_STATE_DIR", state.toString()));
      env.put("FL_STRATEGY", strategy);
      env.put("FL_STRATEGY_PARAMS", params);
      env.putAll(storeEnv);
      Process aggregator = procs.start("aggregator", Processes.jar("aggregator.jar"), env);
      for (int c = 1; c <= CLIENTS; c++) {
        procs.startClient("client-" + c, c, c == CLIENTS ? gate.url() : base, Map.of("FL_RETRY_MAXBACKOFF", "1s",
            "FL_POLL_WAIT_SECONDS", "60"));
      }
      String where = "logs in " + logs.toAbsolutePath();
      gate.awaitUpdate(killRound, TO_MID_ROUND);
      JsonNode before = Await.until("round " + killRound + " has the other clients' updates; " + where, TO_MID_ROUND,
          () -> Http.getJson(base + "/api/v1/status"), s -> s.get("updatesReceived").asInt() == CLIENTS - 1);
      assertThat(before.get("round").asInt()).as("rounds done before the kill").isEqualTo(killRound - 1);
      aggregator.destroyForcibly().waitFor();
      long killed = System.nanoTime();

      procs.start("aggregator-restarted", Processes.jar("aggregator.jar"), env);
      JsonNode after = Await.answer("the restarted aggregator answers; " + where, RESTART,
          () -> Http.getJson(base + "/api/v1/status"));
      double resumeSeconds = (System.nanoTime() - killed) / 1e9;
      int doneBefore = before.get("round").asInt();
      int receivedBefore = before.get("updatesReceived").asInt();
      assertThat(after.get("round").asInt()).as("completed rounds survive").isGreaterThanOrEqualTo(doneBefore);
      assertResumedFromStore(procs.log("aggregator-restarted"), rounds, doneBefore, receivedBefore);
      gate.release(killRound); // the held update goes to the restarted aggregator

      JsonNode done = Http.awaitCompleted(base, REST_OF_RUN, where);
      assertThat(done.get("round").asInt()).isEqualTo(rounds);
      Reference.Run expected = Reference.simulate(rounds, epochs, Strategies.create(strategy, params),
          ClientSampler.ALL);
      JsonNode history = Http.getJson(base + "/api/v1/rounds");
      assertThat(history.size()).as("every round once").isEqualTo(rounds);
      for (int r = 0; r < rounds; r++) {
        JsonNode round = history.get(r);
        assertThat(round.get("round").asInt()).isEqualTo(r + 1);
        assertThat(round.get("participants").size()).as("participants of round %d", r + 1).isEqualTo(CLIENTS);
        assertThat(round.get("globalTestAccuracy").asDouble()).as("score of round %d", r + 1)
            .isEqualTo(expected.rounds().get(r).globalTestAccuracy());
      }
      assertThat(done.get("latest").get("globalTestAccuracy").asDouble()).as("as good as a run without the crash")
          .isEqualTo(expected.rounds().get(rounds - 1).globalTestAccuracy());
      GlobalModel last = Http.JSON.readValue(Http.send(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/model?after=" + rounds))).body(), GlobalModel.class);
      assertThat(last.round()).isEqualTo(rounds);
      assertThat(last.weights()).as("final global model, bit for bit the simulation's")
          .containsExactly(expected.model().params());
      System.out.printf(Locale.ROOT, "%s (%s): killed in round %d with %d of %d updates; answering again after %.1f s; "
          + "rounds lost: 0%n", name, strategy, doneBefore + 1, receivedBefore, CLIENTS, resumeSeconds);
      return new Outcome(before, done, procs.log("aggregator"), procs.log("aggregator-restarted"), state);
    }
  }

  /**
   * The restarted aggregator's log says it resumed the stored run with at least the rounds completed before the kill
   * and, if the interrupted round is still open, at least the updates it had accepted in it.
   */
  private static void assertResumedFromStore(Path log, int rounds, int doneBefore, int receivedBefore)
      throws Exception {
    String text = Files.readString(log);
    Matcher m = RESUMED.matcher(text);
    assertThat(m.find()).as("the restarted aggregator resumed the stored run; its log: %s", log).isTrue();
    int done = Integer.parseInt(m.group(1));
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(rounds);
    assertThat(Integer.parseInt(m.group(3))).as("registered clients kept").isEqualTo(CLIENTS);
    assertThat(done).as("completed rounds kept").isGreaterThanOrEqualTo(doneBefore);
    if (done == doneBefore) {
      assertThat(m.group(4)).as("the interrupted round is open again: %s", m.group()).isNotNull();
      assertThat(Integer.parseInt(m.group(4))).isEqualTo(doneBefore + 1);
      assertThat(Integer.parseInt(m.group(5))).as("accepted updates kept: %s", m.group())
          .isGreaterThanOrEqualTo(receivedBefore);
    }
  }
}
