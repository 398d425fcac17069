package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Small HTTP helpers for the end-to-end tests. */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final JsonMapper JSON = JsonMapper.builder().build();

  private Http() {}

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)));
    assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static byte[] getBytes(String url) throws Exception {
    HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  /** Polls the aggregator's status until COMPLETED; fails at once on FAILED, or when the time is up. */
  static JsonNode awaitCompleted(String base, Duration timeout, String where) {
    return Await.until("the run completes (" + where + ")", timeout, () -> {
      JsonNode status = getJson(base + "/api/v1/status");
      assertThat(status.get("state").asString()).as("run state (%s): %s", where, status).isNotEqualTo("FAILED");
      return status;
    }, status -> status.get("state").asString().equals("COMPLETED"));
  }

  /** Waits until every round has {@code clients} evaluations (the last ones arrive just after completion). */
  static JsonNode awaitEvaluations(String base, int clients, Duration timeout) {
    return Await.until("every round has " + clients + " evaluations", timeout, () -> getJson(base + "/api/v1/rounds"),
        rounds -> {
          for (JsonNode r : rounds) {
            if (r.get("evaluations").size() != clients) {
              return false;
            }
          }
          return true;
        });
  }

  /** Waits until the aggregator's status shows at least {@code round} completed rounds; returns that status. */
  static JsonNode awaitRound(String base, int round, Duration timeout) {
    return Await.until("round " + round + " completes", timeout, () -> getJson(base + "/api/v1/status"),
        status -> status.get("round").asInt() >= round);
  }
}
