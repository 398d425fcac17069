package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The aggregator is killed (SIGKILL) in the middle of a round, after some of the round's updates were accepted, and
 * started again on the same state folder. The clients reconnect by themselves, the run completes with every round
 * once, and the final model is exactly the one of a run without the crash (the in-process simulation).
 */
class ResumeIT {
  static final int ROUNDS = 5;
  static final int EPOCHS = 20;

  @Test
  void aKilledAggregatorResumesTheRunWithoutLosingARound() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "resume"))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      Map<String, String> env = new HashMap<>(Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS), "FL_SEED", "42", "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "resume")).toString()));
      Process aggregator = procs.start("aggregator", Processes.jar("aggregator.jar"), env);
      for (int c = 1; c <= 4; c++) {
        procs.start("client-" + c, Processes.jar("client.jar"), Map.of(
            "SERVER_PORT", Integer.toString(Processes.freePort()),
            "FL_CLIENT_ID", "client-" + c,
            "FL_CLIENT_SHARD", Reference.DATA.resolve("shards/client-" + c + ".csv.gz").toString(),
            "FL_AGGREGATOR_URL", base,
            "FL_RETRY_MAXBACKOFF", "1s"));
      }
      JsonNode before = awaitMidRound(base, 2, Duration.ofMinutes(3));
      aggregator.destroyForcibly().waitFor();
      long killed = System.nanoTime();

      procs.start("aggregator-restarted", Processes.jar("aggregator.jar"), env);
      JsonNode after = awaitAnswer(base, Duration.ofMinutes(2));
      double resumeSeconds = (System.nanoTime() - killed) / 1e9;
      assertThat(after.get("round").asInt()).as("completed rounds survive").isGreaterThanOrEqualTo(
          before.get("round").asInt());

      JsonNode done = Http.awaitCompleted(base, Duration.ofMinutes(3), "logs in e2e/target/e2e-logs/resume");
      assertThat(done.get("round").asInt()).isEqualTo(ROUNDS);
      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      assertThat(rounds.size()).as("every round once").isEqualTo(ROUNDS);
      for (int r = 0; r < ROUNDS; r++) {
        assertThat(rounds.get(r).get("round").asInt()).isEqualTo(r + 1);
        assertThat(rounds.get(r).get("participants").size()).isEqualTo(4);
      }
      double expected = Reference.simulate(ROUNDS, EPOCHS).rounds().get(ROUNDS - 1).globalTestAccuracy();
      assertThat(done.get("latest").get("globalTestAccuracy").asDouble()).as("as good as a run without the crash")
          .isEqualTo(expected);
      System.out.printf("resume: killed in round %d with %d of 4 updates; answering again after %.1f s; "
          + "rounds lost: 0%n", before.get("round").asInt() + 1, before.get("updatesReceived").asInt(), resumeSeconds);
    }
  }

  /** Waits until round {@code round} is open with some but not all of its updates; returns that status. */
  private static JsonNode awaitMidRound(String base, int round, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode s = Http.getJson(base + "/api/v1/status");
        int received = s.get("updatesReceived").asInt();
        if (s.get("round").asInt() + 1 >= round && received > 0 && received < 4) {
          return s;
        }
      } catch (java.io.IOException starting) {
        // not up yet
      }
      Thread.sleep(10);
    }
    throw new AssertionError("never saw round " + round + " half done");
  }

  private static JsonNode awaitAnswer(String base, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        return Http.getJson(base + "/api/v1/status");
      } catch (java.io.IOException starting) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the restarted aggregator did not answer in " + timeout);
  }
}
