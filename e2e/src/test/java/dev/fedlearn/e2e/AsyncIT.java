package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Asynchronous aggregation (FedBuff) over real processes, with one site slowed on purpose ({@code FL_CLIENT_SLOWDOWN}):
 * the same twelve changes, as three synchronous rounds of four clients and as six versions of two changes each. The
 * synchronous rounds each wait for the slow site; the versions do not, so the asynchronous run ends no later (by the
 * aggregator's own clock, from its first round's opening to its last one's close). Its versions are made of whichever
 * changes came first, each marked with its staleness, and the model it ends with has learned.
 */
class AsyncIT {
  static final int EPOCHS = 5;
  static final String SLOW = "client-4";
  static final String SLOWDOWN = "8";
  static final Duration RUN = Duration.ofMinutes(10);

  @Test
  void aSlowSiteHoldsUpTheRoundsButNotTheVersions() throws Exception {
    Run sync = run("sync", 3, Map.of());
    Run async = run("async", 6, Map.of("FL_MODE", "async", "FL_BUFFER_SIZE", "2"));
    System.out.printf(java.util.Locale.ROOT, "async: 3 synchronous rounds took %.1f s, 6 asynchronous versions %.1f s"
        + " (accuracy %.4f and %.4f)%n", sync.seconds(), async.seconds(), sync.accuracy(), async.accuracy());
    assertThat(async.seconds()).as("the versions wait for no slow site").isLessThanOrEqualTo(sync.seconds());
    assertThat(sync.participants()).as("every round waited for the slow site").allSatisfy(p -> assertThat(p)
        .contains(SLOW));
    assertThat(async.participants()).as("versions made without the slow site").anySatisfy(p -> assertThat(p)
        .hasSize(2).doesNotContain(SLOW));
    assertThat(async.changes()).as("every change is marked with its staleness").isNotEmpty()
        .allSatisfy(e -> assertThat(e).containsPattern("trained on version \\d+, staleness \\d+, weight"));
    assertThat(async.accuracy()).isGreaterThan(0.85);
  }

  /** A run's seconds from its first round's opening to its last one's close, its rounds' participants, its changes. */
  record Run(double seconds, List<List<String>> participants, List<String> changes, double accuracy) {}

  private static Run run(String name, int rounds, Map<String, String> mode) throws Exception {
    Path logs = Path.of("target", "e2e-logs", "async-" + name);
    try (Processes procs = new Processes(logs)) {
      int port = Processes.freePort();
      String base = "http://localhost:" + port;
      Map<String, String> env = new HashMap<>(Map.of("SERVER_PORT", Integer.toString(port), "FL_ROUNDS",
          Integer.toString(rounds), "FL_CLIENTS", "4", "FL_LOCAL_EPOCHS", Integer.toString(EPOCHS),
          "FL_DATA_DIR", Reference.DATA.toString(),
          "FL_STATE_DIR", Processes.freshDir(Path.of("target", "e2e-state", "async-" + name)).toString()));
      env.putAll(mode);
      procs.start("aggregator", Processes.jar("aggregator.jar"), env);
      for (int c = 1; c <= 4; c++) {
        procs.startClient("client-" + c, c, base, ("client-" + c).equals(SLOW) ? Map.of("FL_CLIENT_SLOWDOWN",
            SLOWDOWN) : Map.of());
      }
      JsonNode status = Http.awaitCompleted(base, RUN, "logs in " + logs.toAbsolutePath());
      JsonNode views = Http.getJson(base + "/api/v1/rounds");
      assertThat(views).hasSize(rounds);
      List<List<String>> participants = new ArrayList<>();
      for (JsonNode r : views) {
        participants.add(r.get("participants").valueStream().map(JsonNode::asString).toList());
      }
      Instant first = Instant.parse(views.get(0).get("startedAt").asString());
      Instant last = Instant.parse(views.get(rounds - 1).get("endedAt").asString());
      List<String> changes = new ArrayList<>();
      for (JsonNode e : Http.getJson(base + "/api/v1/runs/" + status.get("run").asInt() + "/events")) {
        if (e.get("type").asString().equals("update")) {
          changes.add(e.get("detail").asString());
        }
      }
      return new Run(Duration.between(first, last).toNanos() / 1e9, participants, changes,
          status.get("latest").get("globalTestAccuracy").asDouble());
    }
  }
}
