package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Clients die: the aggregator and four client jars, a short round deadline and a quorum of 3. client-4 registers and
 * is killed (SIGKILL) before round 1 opens: it never reports, so every round closes at its deadline without it.
 * client-3 takes part in round 1, then reaches the aggregator through an {@link UpdateGate} that holds its update of
 * round 2; it is killed while that update is held, so the aggregator provably never gets it. Round 2, with client-1
 * and client-2 only, passes its deadline below the quorum and waits; client-3, started again only then, rejoins at the
 * current round and completes it; the run completes. Every round's participants follow from who is alive, not from
 * how fast anything is: a round closes only with three updates, and only client-1 to client-3 can send any.
 */
class DropoutIT {
  static final int ROUNDS = 3;
  static final int QUORUM = 3;
  /** The round deadline: how long a round waits for client-4 (dead) before it closes with the quorum. */
  static final String DEADLINE = "3s";
  /**
   * Safety nets only, never waited out in a passing run: start-up and a round (a round below the quorum waits for
   * client-3's restart up to FL_MAX_ROUND_WAIT).
   */
  static final Duration STEP = Duration.ofMinutes(10);
  static final String MAX_ROUND_WAIT = "10m";
  static final Path LOGS = Path.of("target", "e2e-logs", "dropout");

  @Test
  void roundsCloseAtTheDeadlineWithTheQuorumAndAKilledClientRejoins() throws Exception {
    int port = Processes.freePort();
    String base = "http://localhost:" + port;
    try (Processes procs = new Processes(LOGS); UpdateGate gate = new UpdateGate(base).hold(2)) {
      procs.start("aggregator", Processes.jar("aggregator.jar"), Map.of(
          "SERVER_PORT", Integer.toString(port), "FL_ROUNDS", Integer.toString(ROUNDS), "FL_CLIENTS", "4",
          "FL_MIN_CLIENTS", Integer.toString(QUORUM), "FL_ROUND_TIMEOUT", DEADLINE,
          "FL_MAX_ROUND_WAIT", MAX_ROUND_WAIT, "FL_LOCAL_EPOCHS", "3", "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "dropout")).toString()));
      String where = "logs in " + LOGS.toAbsolutePath();

      Process client4 = procs.startClient(4, base);
      Await.until("client-4 registers; " + where, Await.SERVICE_START, () -> Http.getJson(base + "/api/v1/status"),
          s -> s.get("registeredClients").asInt() == 1);
      client4.destroyForcibly().waitFor();

      procs.startClient(1, base);
      procs.startClient(2, base);
      Process client3 = procs.startClient("client-3", 3, gate.url(), Map.of());
      gate.awaitUpdate(2, STEP); // round 1 is closed (it could not close without client-3) and round 2 is open
      client3.destroyForcibly().waitFor(); // with its update of round 2 still in the gate

      // Round 2 cannot close: it has at most client-1's and client-2's updates, below the quorum.
      JsonNode waiting = Await.until("round 2, past its deadline, has client-1's and client-2's updates; " + where,
          STEP, () -> Http.getJson(base + "/api/v1/status"),
          s -> s.get("message").asString("").contains("below the quorum") && s.get("updatesReceived").asInt() == 2);
      assertThat(waiting.get("round").asInt()).as("rounds done").isEqualTo(1);
      procs.startClient("client-3-restarted", 3, base, Map.of());

      JsonNode status = Http.awaitCompleted(base, STEP, where);
      assertThat(status.get("round").asInt()).isEqualTo(ROUNDS);
      JsonNode rounds = Http.getJson(base + "/api/v1/rounds");
      List<List<String>> participants = new ArrayList<>();
      for (JsonNode r : rounds) {
        List<String> p = new ArrayList<>();
        r.get("participants").forEach(n -> p.add(n.asString()));
        participants.add(p);
        assertThat(r.get("state").asString()).isEqualTo("COMPLETED");
        assertThat(r.get("selected")).as("client-4 is still expected every round").extracting(JsonNode::asString)
            .contains("client-4");
        assertThat(r.get("globalTestAccuracy").asDouble()).isGreaterThan(0.5);
      }
      for (int r = 0; r < ROUNDS; r++) {
        assertThat(participants.get(r)).as("round %d: the quorum, without the dead client-4", r + 1)
            .containsExactlyInAnyOrder("client-1", "client-2", "client-3");
      }
      String log = Files.readString(procs.log("aggregator"));
      for (int r = 1; r <= ROUNDS; r++) {
        assertThat(log).as("round %d closed at its deadline", r)
            .contains("round " + r + " deadline (PT" + DEADLINE.toUpperCase(Locale.ROOT) + "): aggregating the "
                + QUORUM + " updates received, without [client-4]");
      }
      assertThat(log).as("round 2 waited below the quorum").containsPattern("round 2 deadline \\(PT"
          + DEADLINE.toUpperCase(Locale.ROOT) + "\\): [0-2] of the " + QUORUM + " updates it needs; waiting for");
      assertThat(log).as("the restarted client-3 registered again").contains("client client-3 registered again");
      assertThat(Files.readString(procs.log("client-3-restarted"))).as("the restarted client-3 trained round 2")
          .contains("round 2/" + ROUNDS + ": trained");
      System.out.printf(Locale.ROOT, "dropout: participants %s%n", participants);
    }
  }
}
