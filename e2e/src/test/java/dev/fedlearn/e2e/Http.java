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

  /** Polls the aggregator's status until COMPLETED; fails on FAILED or when the time is up. */
  static JsonNode awaitCompleted(String base, Duration timeout, String where) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = getJson(base + "/api/v1/status");
        String state = last.get("state").asString();
        if (state.equals("COMPLETED")) {
          return last;
        }
        assertThat(state).as("run state (%s)", where).isNotEqualTo("FAILED");
      } catch (java.io.IOException notYetUp) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the run did not complete in " + timeout + "; last status " + last + "; " + where);
  }

  /** Waits until every round has {@code clients} evaluations (the last ones arrive just after completion). */
  static JsonNode awaitEvaluations(String base, int clients, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode rounds = getJson(base + "/api/v1/rounds");
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (JsonNode r : rounds) {
        all &= r.get("evaluations").size() == clients;
      }
      if (all) {
        return rounds;
      }
      Thread.sleep(200);
      rounds = getJson(base + "/api/v1/rounds");
    }
    return rounds;
  }
}
