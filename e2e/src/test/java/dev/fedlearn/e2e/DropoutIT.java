package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Clients die: the aggregator and four client processes, a 10-second round deadline and a quorum of 2. After round
 * 1, client-4 is killed for good and client-3 is killed and started again. The rounds without them close at the
 * deadline with the others; client-3, started again once round 2 has closed without it, rejoins at the current
 * round; the run completes.
 */
class DropoutIT {
  static final int ROUNDS = 7;
  /** Start-up, registration and the first round with all four clients. */
  static final Duration FIRST_ROUND = Duration.ofMinutes(3);
  /** Round 2, which can only close at its 10-second deadline, with time for the two remaining clients' training. */
  static final Duration DEADLINE_ROUND = Duration.ofMinutes(1);
  /** The remaining rounds, some closed at their deadline. */
  static final Duration REST_OF_RUN = Duration.ofMinutes(3);

  @Test
  void roundsCloseAtTheDeadlineWithTheQuorumAndAKilledClientRejoins() throws Exception {
    try (Processes procs = new Processes(Path.of("target", "e2e-logs", "dropout"))) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_MIN_CLIENTS", "2", "FL_ROUND_TIMEOUT", "10s", "FL_MAX_ROUND_WAIT", "60s", "FL_LOCAL_EPOCHS", "3",
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "dropout")).toString()));
      Map<Integer, Process> clients = new HashMap<>();
      for (int c = 1; c <= 4; c++) {
        clients.put(c, startClient(procs, c, base, ""));
      }
      Http.awaitRound(base, 1, FIRST_ROUND);
      clients.get(4).destroyForcibly().waitFor();
      clients.get(3).destroyForcibly().waitFor();
      long killedAt = System.nanoTime();
      Http.awaitRound(base, 2, DEADLINE_ROUND); // round 2 closes at its deadline with client-1 and client-2
      clients.put(3, startClient(procs, 3, base, "-restarted"));

      JsonNode status = Http.awaitCompleted(base, REST_OF_RUN, "logs in e2e/target/e2e-logs/dropout");
      assertThat(status.get("round").asInt()).isEqualTo(ROUNDS);
      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      List<List<String>> participants = new ArrayList<>();
      for (JsonNode r : rounds) {
        List<String> p = new ArrayList<>();
        r.get("participants").forEach(n -> p.add(n.asString()));
        participants.add(p);
        assertThat(r.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(r.get("globalTestAccuracy").asDouble()).isGreaterThan(0.5);
      }
      assertThat(participants.get(0)).containsExactly("client-1", "client-2", "client-3", "client-4");
      for (int r = 1; r < ROUNDS; r++) {
        assertThat(participants.get(r)).as("round %d", r + 1).doesNotContain("client-4")
            .contains("client-1", "client-2");
      }
      assertThat(participants.get(1)).as("round 2 closed at its deadline with the quorum")
          .containsExactly("client-1", "client-2");
      assertThat(participants.get(ROUNDS - 1)).as("client-3 rejoined").contains("client-3");
      double seconds = (System.nanoTime() - killedAt) / 1e9;
      System.out.printf(Locale.ROOT, "dropout: %d rounds after the kill in %.1f s; participants %s%n", ROUNDS - 1,
          seconds, participants);
    }
  }

  private static Process startClient(Processes procs, int c, String base, String suffix) throws Exception {
    return procs.start("client-" + c + suffix, Processes.jar("client.jar"), Map.of(
        "SERVER_PORT", Integer.toString(Processes.freePort()),
        "FL_CLIENT_ID", "client-" + c,
        "FL_CLIENT_SHARD", Reference.DATA.resolve("shards/client-" + c + ".csv.gz").toString(),
        "FL_AGGREGATOR_URL", base));
  }
}
