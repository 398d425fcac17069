package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole application started over a kept state folder with other settings: it stays up and refuses (status,
 * health and every client call say why), without a restart loop and without touching the stored run, which the
 * next start with the stored settings resumes.
 */
class RefusedStartTest {
  @TempDir
  Path state;

  @Test
  void otherSettingsOverAKeptStateAreRefusedUntilTheStoredOnesAreBack() throws Exception {
    String client = "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}";
    try (TestApp first = new TestApp(state, "--fl.rounds=2", "--fl.clients=2")) {
      assertThat(first.call("POST", "/api/v1/clients", client).statusCode()).isEqualTo(200);
    }
    try (TestApp other = new TestApp(state, "--fl.rounds=3", "--fl.clients=2")) {
      HttpResponse<String> health = other.get("/actuator/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"DOWN\"");
      assertThat(other.get("/api/v1/status").body()).contains("\"state\":\"FAILED\"")
          .contains("rounds: stored 2, now 3");
      HttpResponse<String> register = other.call("POST", "/api/v1/clients",
          "{\"clientId\":\"b\",\"trainSamples\":100,\"testSamples\":30}");
      assertThat(register.statusCode()).isEqualTo(503);
      assertThat(register.body()).contains("Run not started").contains("docker compose down -v");
    }
    try (TestApp same = new TestApp(state, "--fl.rounds=2", "--fl.clients=2")) {
      assertThat(same.get("/actuator/health").body()).contains("\"UP\"");
      assertThat(same.get("/api/v1/status").body()).contains("\"state\":\"WAITING_FOR_CLIENTS\"")
          .contains("\"registeredClients\":1");
    }
  }
}
