package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole application over a kept state folder: started again with its settings it resumes the latest run; with
 * other settings it starts a new run and keeps the earlier ones, each still readable under {@code /api/v1/runs}; a
 * folder written by the first release (one run, schema V4) opens as run 1.
 */
class KeptStateTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path state;

  private static JsonNode json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void otherSettingsStartANewRunAndTheEarlierRunsStayListed() throws Exception {
    String client = "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}";
    try (TestApp first = new TestApp(state, "--fl.rounds=2", "--fl.clients=2")) {
      assertThat(first.call("POST", "/api/v1/clients", client).statusCode()).isEqualTo(200);
    }
    try (TestApp other = new TestApp(state, "--fl.rounds=3", "--fl.clients=2")) {
      assertThat(other.get("/actuator/health").body()).contains("\"UP\"");
      JsonNode status = json(other.get("/api/v1/status"));
      assertThat(status.get("state").asString()).isEqualTo("WAITING_FOR_CLIENTS");
      assertThat(status.get("registeredClients").asInt()).as("a new run: no client yet").isZero();
      JsonNode runs = json(other.get("/api/v1/runs"));
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0).get("id").asInt()).isEqualTo(1);
      assertThat(runs.get(0).get("state").asString()).isEqualTo("STOPPED");
      assertThat(runs.get(0).get("message").asString()).isEqualTo("stopped: the aggregator was started with "
          + "other settings (rounds: run 1 2, now 3), which make run 2");
      assertThat(runs.get(0).get("definition").get("rounds").asInt()).isEqualTo(2);
      assertThat(runs.get(0).get("current").asBoolean()).isFalse();
      assertThat(runs.get(1).get("current").asBoolean()).isTrue();
      assertThat(runs.get(1).get("definition").get("rounds").asInt()).isEqualTo(3);
      JsonNode one = json(other.get("/api/v1/runs/1"));
      assertThat(one.get("status").get("registeredClients").asInt()).as("run 1 kept its client").isEqualTo(1);
      assertThat(json(other.get("/api/v1/runs/1/rounds"))).isEmpty();
      assertThat(json(other.get("/api/v1/runs/1/events")).toString()).contains("stopped", "registered");

      HttpResponse<String> unknown = other.get("/api/v1/runs/9");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("run 9 is not kept");
      assertThat(unknown.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
      for (String spelling : new String[] {"one", "0x1", "01", "+1", "1.0", "-1", "99999999999"}) {
        assertThat(other.get("/api/v1/runs/" + spelling).statusCode()).as("run id %s", spelling).isEqualTo(400);
      }
      assertThat(other.get("/api/v1/runs/2147483648").statusCode()).as("a number, but no run").isEqualTo(404);
    }
    try (TestApp back = new TestApp(state, "--fl.rounds=2", "--fl.clients=2")) {
      JsonNode runs = json(back.get("/api/v1/runs"));
      assertThat(runs).as("run 2 never started: run 1's settings take run 1 back").hasSize(2);
      assertThat(runs.get(0).get("current").asBoolean()).isTrue();
      assertThat(runs.get(0).get("state").asString()).isEqualTo("WAITING_FOR_CLIENTS");
      assertThat(json(back.get("/api/v1/status")).get("registeredClients").asInt()).as("with its client").isEqualTo(1);
      assertThat(runs.get(1).get("state").asString()).isEqualTo("STOPPED");
      assertThat(runs.get(1).get("message").asString()).isEqualTo("stopped before it started: the aggregator went "
          + "back to run 1");
    }
    try (TestApp third = new TestApp(state, "--fl.rounds=4", "--fl.clients=2")) {
      assertThat(json(third.get("/api/v1/runs"))).as("other settings again: a third run").hasSize(3);
    }
    try (TestApp same = new TestApp(state, "--fl.rounds=4", "--fl.clients=2")) {
      assertThat(json(same.get("/api/v1/runs"))).as("the same settings resume the latest run").hasSize(3);
    }
  }

  /** {@code state-0.1}: a 2-round run of two clients (1 epoch each), written by the aggregator of commit 7c14105. */
  @Test
  void aStateFolderOfTheFirstReleaseOpensAsRunOne() throws Exception {
    Files.copy(Path.of("src/test/resources/state-0.1/fedlearn.mv.db"), state.resolve("fedlearn.mv.db"));
    String[] itsSettings = {"--fl.rounds=2", "--fl.clients=2", "--fl.min-clients=2", "--fl.local-epochs=1"};
    try (TestApp app = new TestApp(state, itsSettings)) {
      JsonNode status = json(app.get("/api/v1/status"));
      assertThat(status.get("state").asString()).as("resumed: it was over").isEqualTo("COMPLETED");
      assertThat(status.get("latest").get("globalTestAccuracy").asDouble()).isEqualTo(0.8521);
      JsonNode runs = json(app.get("/api/v1/runs"));
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).get("id").asInt()).isEqualTo(1);
      assertThat(runs.get(0).get("roundsDone").asInt()).isEqualTo(2);
      assertThat(runs.get(0).get("latestAccuracy").asDouble()).isEqualTo(0.8521);
      assertThat(runs.get(0).get("bestAccuracy").asDouble()).isEqualTo(0.8521);
      assertThat(runs.get(0).get("finishedAt").isNull()).isFalse();
    }
    try (TestApp next = new TestApp(state, "--fl.rounds=3", "--fl.clients=2")) {
      JsonNode runs = json(next.get("/api/v1/runs"));
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0).get("state").asString()).as("a finished run is kept as it ended").isEqualTo("COMPLETED");
      JsonNode rounds = json(next.get("/api/v1/runs/1/rounds"));
      assertThat(rounds).hasSize(2);
      assertThat(rounds.get(0).get("globalTestAccuracy").asDouble()).isEqualTo(0.8334);
      assertThat(rounds.get(1).get("globalTestAccuracy").asDouble()).isEqualTo(0.8521);
      assertThat(rounds.get(1).get("participants").toString()).contains("client-1", "client-2");
      assertThat(json(next.get("/api/v1/runs/1/model")).get("round").asInt()).isEqualTo(2);
      HttpResponse<String> workbook = next.get("/api/v1/runs/1/metrics.xlsx");
      assertThat(workbook.statusCode()).isEqualTo(200);
      assertThat(workbook.headers().firstValue("Content-Disposition").orElse("")).contains("fedlearn-run-1.xlsx");
      assertThat(json(next.get("/api/v1/runs/2")).get("run").get("current").asBoolean()).isTrue();
    }
  }
}
