package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole application started over a kept state folder with other settings: it stays up and refuses (status,
 * health and every client call say why), without a restart loop and without touching the stored run, which the
 * next start with the stored settings resumes.
 */
class RefusedStartTest {
  static final String DATA_DIR = System.getProperty("fl.data.dir", "../data");
  final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path state;

  private ConfigurableApplicationContext start(int rounds) {
    return new SpringApplicationBuilder(AggregatorApplication.class).run("--server.port=0",
        "--fl.rounds=" + rounds, "--fl.clients=2", "--fl.data-dir=" + DATA_DIR, "--fl.state-dir=" + state,
        "--spring.main.banner-mode=off");
  }

  private HttpResponse<String> call(ConfigurableApplicationContext app, String method, String path, String body)
      throws Exception {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void otherSettingsOverAKeptStateAreRefusedUntilTheStoredOnesAreBack() throws Exception {
    String client = "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}";
    try (ConfigurableApplicationContext first = start(2)) {
      assertThat(call(first, "POST", "/api/v1/clients", client).statusCode()).isEqualTo(200);
    }
    try (ConfigurableApplicationContext other = start(3)) {
      HttpResponse<String> health = call(other, "GET", "/actuator/health", null);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"DOWN\"");
      HttpResponse<String> status = call(other, "GET", "/api/v1/status", null);
      assertThat(status.body()).contains("\"state\":\"FAILED\"").contains("rounds: stored 2, now 3");
      HttpResponse<String> register = call(other, "POST", "/api/v1/clients",
          "{\"clientId\":\"b\",\"trainSamples\":100,\"testSamples\":30}");
      assertThat(register.statusCode()).isEqualTo(503);
      assertThat(register.body()).contains("Run not started").contains("docker compose down -v");
    }
    try (ConfigurableApplicationContext same = start(2)) {
      assertThat(call(same, "GET", "/actuator/health", null).body()).contains("\"UP\"");
      assertThat(call(same, "GET", "/api/v1/status", null).body()).contains("\"state\":\"WAITING_FOR_CLIENTS\"")
          .contains("\"registeredClients\":1");
    }
  }
}
