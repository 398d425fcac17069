package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole aggregator, with client tokens and a read token, attacked over real HTTP as the audit did: other spellings
 * of each path, no token, another client's token, forged sample counts, oversized bodies on every route, the
 * actuator. Every attempt is refused with a problem detail, and none changes the run.
 */
class HostileRequestsTest {
  static final String TOKENS = "a:secret-a,b:secret-b";
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final int MAX_BYTES = 4096;

  @TempDir
  static Path state;
  static TestApp app;

  @BeforeAll
  static void start() {
    app = new TestApp(state, "--fl.clients=2", "--fl.rounds=2", "--fl.layers=784,2,10",
        "--fl.client-tokens=" + TOKENS, "--fl.read-token=reader", "--fl.max-request-bytes=" + MAX_BYTES,
        "--fl.max-refusals-per-minute=100000");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(app.uri(path)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String registration(String id, long train, long test) {
    return "{\"clientId\":\"" + id + "\",\"trainSamples\":" + train + ",\"testSamples\":" + test + "}";
  }

  static void refusedWithProblem(HttpResponse<String> r, int... statuses) {
    assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + ": " + r.body())
        .isIn(java.util.Arrays.stream(statuses).boxed().toArray());
    assertThat(r.headers().firstValue("Content-Type")).as(r.request().uri().toString())
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
  }

  /** The audit's spellings of the status path: each must be refused at the door, with or without a token. */
  @ParameterizedTest
  @ValueSource(strings = {"/api;x/v1/status", "/%61pi/v1/status", "/api/v1/%73tatus", "/api/v1/./status",
      "/api//v1/status", "/api/v1/../v1/status", "/api/v1/status;jsessionid=1", "/api/v1/status%2F",
      "/api/v1/%2e%2e/v1/status", "/./api/v1/status", "/api/v1/status/", "/API/v1/status",
      "/actuator;x/prometheus", "/actuator/%70rometheus", "/%3Bapi/v1/status"})
  void otherSpellingsOfAPathAreRefusedWithAndWithoutAToken(String path) throws Exception {
    for (String token : new String[] {null, "reader", "secret-a"}) {
      HttpResponse<String> r = send("GET", path, token, null);
      // Tomcat itself refuses an encoded slash (400, its own page); everything else is refused by the firewall
      assertThat(r.statusCode()).as(path + " with " + token).isIn(400, 401, 403);
      assertThat(r.body()).as(path).doesNotContain("registeredClients").doesNotContain("fl_clients");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api;x/v1/clients", "/%61pi/v1/clients", "/api/v1/./clients", "/api//v1/clients",
      "/api/v1/clients;x", "/api/v1/clients/"})
  void noSpellingRegistersAClientWithoutItsToken(String path) throws Exception {
    refusedWithProblem(send("POST", path, null, registration("a", 100, 10)), 400, 401, 403);
    assertThat(status()).contains("\"registeredClients\":0");
  }

  @Test
  void everyReadNeedsTheReadTokenOrAClientsToken() throws Exception {
    for (String path : List.of("/api/v1/status", "/api/v1/rounds", "/api/v1/rounds/1", "/api/v1/metrics.xlsx",
        "/actuator/prometheus", "/actuator/info", "/actuator", "/")) {
      refusedWithProblem(send("GET", path, null, null), 401);
      refusedWithProblem(send("GET", path, "wrong", null), 401);
      assertThat(send("GET", path, "reader", null).statusCode()).as(path).isNotIn(401, 403);
      assertThat(send("GET", path, "secret-a", null).statusCode()).as(path).isNotIn(401, 403);
    }
    assertThat(send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/actuator/prometheus", "reader", null).body()).contains("fl_clients_registered");
  }

  @Test
  void aClientActsOnlyAsItselfAndAReaderActsAsNoClient() throws Exception {
    refusedWithProblem(send("POST", "/api/v1/clients", null, registration("a", 100, 10)), 401);
    refusedWithProblem(send("POST", "/api/v1/clients", "secret-b", registration("a", 100, 10)), 403);
    refusedWithProblem(send("POST", "/api/v1/clients", "reader", registration("a", 100, 10)), 403);
    refusedWithProblem(send("GET", "/api/v1/model?clientId=a", "secret-b", null), 403);
    refusedWithProblem(send("GET", "/api/v1/model", "reader", null), 403);
    refusedWithProblem(send("POST", "/api/v1/rounds/1/evaluations", "secret-b",
        "{\"clientId\":\"a\",\"numSamples\":1,\"loss\":0.1,\"accuracy\":0.5}"), 403);
    refusedWithProblem(send("POST", "/api/v1/rounds/1/secagg/x/keys", "secret-b",
        "{\"clientId\":\"a\",\"cPublicKey\":\"AA==\",\"sPublicKey\":\"AA==\"}"), 403, 409);
    assertThat(status()).contains("\"registeredClients\":0");
  }

  @Test
  void forgedSampleCountsAreRefusedAtRegistration() throws Exception {
    HttpResponse<String> huge = send("POST", "/api/v1/clients", "secret-a", registration("a", Integer.MAX_VALUE, 10));
    refusedWithProblem(huge, 400);
    assertThat(huge.body()).contains("FL_MAX_CLIENT_SAMPLES");
    refusedWithProblem(send("POST", "/api/v1/clients", "secret-a", registration("a", 100, 1_000_000)), 400);
    assertThat(status()).contains("\"registeredClients\":0");
  }

  @Test
  void aBodyOverTheLimitIsRefusedOnEveryRouteBeforeAnythingElse() throws Exception {
    String big = "x".repeat(MAX_BYTES + 1);
    for (String path : List.of("/api/v1/clients", "/api/v1/rounds/1/updates", "/api/v1/rounds/1/evaluations",
        "/api/v1/rounds/1/secagg/s/keys", "/api/v1/rounds/1/secagg/s/shares", "/api/v1/rounds/1/secagg/s/masked",
        "/api/v1/rounds/1/secagg/s/unmask", "/api/v1/cross-site", "/api/v1/cross-site/models",
        "/api/v1/cross-site/scores", "/api/v1/status", "/api/v1/nowhere", "/actuator/health", "/",
        "/api;x/v1/clients")) {
      for (String token : new String[] {null, "secret-a"}) {
        HttpResponse<String> r = send("POST", path, token, big);
        assertThat(r.statusCode()).as(path).isIn(400, 413);
        assertThat(r.body()).as(path).doesNotContain("\"round\"");
      }
      assertThat(send("GET", path, "secret-a", big).statusCode()).as("GET " + path).isIn(400, 413);
    }
  }

  @Test
  void aBodyWithoutItsLengthIsRefused() throws Exception {
    try (Socket socket = new Socket("localhost", app.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/clients HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer secret-a\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{\"a\":\r\n0"
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 411");
    }
  }

  @Test
  void errorsNameNothingInternal() throws Exception {
    assertThat(send("GET", "/error", null, null).statusCode()).as("not an open route").isIn(401, 403);
    assertThat(send("HEAD", "/actuator/health", null, null).statusCode()).isEqualTo(200);
    for (String body : new String[] {null, "", "null", "{\"clientId\":\"a\",\"trainSamples\":\"many\"}",
        "{\"clientId\":\"a\",\"trainSamples\":[1],\"testSamples\":{}}"}) {
      HttpResponse<String> r = send("POST", "/api/v1/clients", "secret-a", body);
      refusedWithProblem(r, 400);
      assertThat(r.body()).doesNotContain("dev.fedlearn").doesNotContain("RunController")
          .doesNotContain("ClientRegistration");
    }
    HttpResponse<String> long_ = send("POST", "/api/v1/clients", "secret-a", registration("x".repeat(3000), 1, 1));
    assertThat(long_.body().length()).as("a long id is not echoed whole").isLessThan(1000);
  }

  @Test
  void unknownPathsAndMethodsAreDenied() throws Exception {
    refusedWithProblem(send("GET", "/api/v1/secret", "secret-a", null), 403);
    refusedWithProblem(send("DELETE", "/api/v1/status", "reader", null), 403);
    refusedWithProblem(send("GET", "/h2-console", null, null), 401, 403);
  }

  /** Many open long polls hold no thread: the health check still answers, and one caller's polls are capped. */
  @Test
  void openPollsNeitherStarveTheServerNorExceedTheirCap() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      polls.add(HTTP.sendAsync(HttpRequest.newBuilder(app.uri("/api/v1/model?after=5&wait=30"))
          .header("Authorization", "Bearer secret-b").build(), HttpResponse.BodyHandlers.ofString()));
    }
    long refused = 0;
    for (CompletableFuture<HttpResponse<String>> p : polls) {
      HttpResponse<String> r = p.completeOnTimeout(null, 3, java.util.concurrent.TimeUnit.SECONDS).join();
      if (r != null) {
        assertThat(r.statusCode()).isEqualTo(429);
        refused++;
      }
    }
    assertThat(refused).as("all but the caller's 4 places are refused at once").isEqualTo(8);
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(app.uri("/actuator/health"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    polls.forEach(p -> p.cancel(true));
  }

  /**
   * An address refused too often is answered 429 for the rest of the minute, with or without a token, wrong or right
   * (so tokens cannot be guessed from it), except for a client that had authenticated from it before: an honest site
   * sharing the address (a NAT, one machine) goes on.
   */
  @Test
  void anAddressRefusedTooOftenIsBlockedButAClientSeenBeforeIsNot(@TempDir Path other) throws Exception {
    try (TestApp small = new TestApp(other, "--fl.clients=2", "--fl.layers=784,2,10", "--fl.client-tokens=" + TOKENS,
        "--fl.max-refusals-per-minute=5")) {
      java.util.function.Function<String, HttpRequest> register = token -> {
        HttpRequest.Builder r = HttpRequest.newBuilder(small.uri("/api/v1/clients")).header("Content-Type",
            "application/json").POST(HttpRequest.BodyPublishers.ofString(registration(
                token == null || token.equals("secret-a") || token.startsWith("guess") ? "a" : "b", 10, 1)));
        return token == null ? r.build() : r.header("Authorization", "Bearer " + token).build();
      };
      assertThat(HTTP.send(register.apply("secret-a"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .as("client a, seen before the flood").isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(HTTP.send(register.apply(null), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(HTTP.send(register.apply("guess-" + i), HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(401);
      }
      for (String token : new String[] {null, "guess-9", "secret-b"}) {
        HttpResponse<String> blocked = HTTP.send(register.apply(token), HttpResponse.BodyHandlers.ofString());
        assertThat(blocked.statusCode()).as("token %s during the block", token).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
      }
      HttpResponse<String> honest = HTTP.send(register.apply("secret-a"), HttpResponse.BodyHandlers.ofString());
      assertThat(honest.statusCode()).as(honest.body()).isEqualTo(200);
    }
  }

  static String status() throws Exception {
    return send("GET", "/api/v1/status", "reader", null).body();
  }
}
