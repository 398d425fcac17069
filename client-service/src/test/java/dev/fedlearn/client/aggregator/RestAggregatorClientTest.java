package dev.fedlearn.client.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.client.WireFormat;
import dev.fedlearn.client.worker.AggregatorRejectedException;
import dev.fedlearn.client.worker.AggregatorUnavailableException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.SafeTensors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.client.RestClient;

/** The HTTP client against a small local HTTP server that plays the aggregator. */
class RestAggregatorClientTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String answer = "{}";
  private volatile long delayMillis;
  /** When set, the answer's bytes instead of {@code answer}. */
  private volatile byte[] binaryAnswer;
  private volatile byte[] lastBody;
  private volatile String lastContentType;
  private volatile String lastAccept;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    lastBody = raw;
    lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
    lastAccept = exchange.getRequestHeaders().getFirst("Accept");
    String body = new String(raw, StandardCharsets.UTF_8);
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "none" : authorization);
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body
        + (length == null ? "" : " length=" + length));
    try {
      Thread.sleep(delayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = binaryAnswer != null ? binaryAnswer : answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private RestAggregatorClient client(Duration readTimeout) {
    return new RestAggregatorClient(RestClient.builder(), "http://127.0.0.1:" + server.getAddress().getPort(),
        Duration.ofSeconds(2), readTimeout);
  }

  private RestAggregatorClient client() {
    return client(Duration.ofSeconds(5));
  }

  @Test
  void registersAndReadsTheRunStatus() {
    answer = """
        {"state":"WAITING_FOR_CLIENTS","round":0,"rounds":10,"registeredClients":1,"expectedClients":4,
         "updatesReceived":0,"updatesExpected":4,"latest":null,"message":null}""";

    RunStatus run = client().register(new ClientRegistration("client-1", 700, 300));

    assertThat(run.state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);
    assertThat(run.expectedClients()).isEqualTo(4);
    assertThat(requests).singleElement().asString()
        .startsWith("POST /api/v1/clients ")
        .contains("\"clientId\":\"client-1\"").contains("\"trainSamples\":700").contains("\"testSamples\":300")
        .contains(" length="); // sent with a Content-Length, not chunked
  }

  @Test
  void longPollsTheModelWithAfterAndWait() {
    answer = """
        {"round":2,"rounds":10,"state":"TRAINING","layerSizes":[2,2],"weights":[0.5,-0.25,1,2,0,0],
         "plan":{"epochs":50,"batchSize":1,"learningRate":null,"momentum":0.9,"l2":null,"seed":42,"preset":"default"}}""";

    GlobalModel model = client().fetchModel(1, 30);

    assertThat(requests).singleElement().asString().startsWith("GET /api/v1/model?after=1&wait=30 ");
    assertThat(model.round()).isEqualTo(2);
    assertThat(model.state()).isEqualTo(RunState.TRAINING);
    assertThat(model.weights()).containsExactly(0.5f, -0.25f, 1f, 2f, 0f, 0f);
    assertThat(model.plan().toConfig().epochs()).isEqualTo(50);
    assertThat(model.toModel().sizes().parameterCount()).isEqualTo(6);
  }

  @Test
  void postsUpdatesAndEvaluationsToTheirRound() {
    status = 202;
    answer = "";

    client().submitUpdate(3, new ClientUpdate("client-1", 700, new int[] {2, 2}, new float[] {1, 2, 3, 4, 5, 6},
        0.5, 0.75));
    client().submitEvaluation(2, new EvaluationReport("client-1", 300, 0.25, 0.9));

    assertThat(requests).hasSize(2);
    assertThat(requests.get(0)).startsWith("POST /api/v1/rounds/3/updates ").contains("\"numSamples\":700")
        .contains("\"weights\":[1.0,2.0,3.0,4.0,5.0,6.0]");
    assertThat(requests.get(1)).startsWith("POST /api/v1/rounds/2/evaluations ").contains("\"accuracy\":0.9");
  }

  @Test
  void aConflictIsARejectionWithTheProblemDetail() {
    status = 409;
    contentType = "application/problem+json";
    answer = """
        {"type":"about:blank","title":"Conflict","status":409,"detail":"client-1 already sent round 3"}""";

    assertThatThrownBy(() -> client().submitUpdate(3, new ClientUpdate("client-1", 1, new int[] {2, 2},
        new float[6], 0, 0)))
        .isInstanceOfSatisfying(AggregatorRejectedException.class, e -> {
          assertThat(e.isConflict()).isTrue();
          assertThat(e.detail()).isEqualTo("client-1 already sent round 3");
          assertThat(e.getMessage()).contains("409").contains("already sent round 3");
        });
  }

  @Test
  void theProblemTypeIsReadIntoTheRejectionAndAboutBlankIsNone() {
    status = 409;
    contentType = "application/problem+json";
    KeyAdvertisement keys = new KeyAdvertisement("client-1", new byte[32], new byte[32]);
    answer = """
        {"type":"urn:fedlearn:problem:secagg-start-again","title":"Session abandoned","status":409,
         "detail":"session s1 of round 2 is over"}""";
    assertThatThrownBy(() -> client().secAggKeys(2, "s1", keys))
        .isInstanceOfSatisfying(AggregatorRejectedException.class, e -> {
          assertThat(e.type()).isEqualTo(ProblemTypes.SECAGG_START_AGAIN);
          assertThat(e.is(ProblemTypes.SECAGG_START_AGAIN)).isTrue();
          assertThat(e.is(ProblemTypes.SECAGG_EXCLUDED)).isFalse();
          assertThat(e.detail()).isEqualTo("session s1 of round 2 is over");
        });
    assertThat(requests).last().asString().startsWith("POST /api/v1/rounds/2/secagg/s1/keys ");

    answer = """
        {"type":"urn:fedlearn:problem:secagg-excluded","status":409}""";
    assertThatThrownBy(() -> client().secAggKeys(2, "s1", keys))
        .isInstanceOfSatisfying(AggregatorRejectedException.class,
            e -> assertThat(e.type()).isEqualTo(ProblemTypes.SECAGG_EXCLUDED));

    for (String untyped : new String[] {
        "{\"type\":\"about:blank\",\"status\":409,\"detail\":\"start again with GET /rounds/2/secagg\"}",
        "{\"status\":409,\"detail\":\"start again with GET /rounds/2/secagg\"}",
        "start again with GET /rounds/2/secagg"}) {
      answer = untyped;
      contentType = untyped.startsWith("{") ? "application/problem+json" : "text/plain";
      assertThatThrownBy(() -> client().secAggKeys(2, "s1", keys)).as(untyped)
          .isInstanceOfSatisfying(AggregatorRejectedException.class, e -> {
            assertThat(e.type()).isNull();
            assertThat(e.detail()).isEqualTo("start again with GET /rounds/2/secagg");
          });
    }
  }

  @Test
  void anUnknownClientIsANotFoundRejection() {
    status = 404;
    contentType = "application/problem+json";
    answer = "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"unknown client client-1\"}";

    assertThatThrownBy(() -> client().submitEvaluation(1, new EvaluationReport("client-1", 1, 0, 0)))
        .isInstanceOfSatisfying(AggregatorRejectedException.class, e -> assertThat(e.isNotFound()).isTrue());
  }

  @Test
  void serverErrorsMeanUnavailable() {
    status = 503;
    contentType = "text/plain";
    answer = "overloaded";

    assertThatThrownBy(() -> client().status())
        .isInstanceOfSatisfying(AggregatorUnavailableException.class, e -> assertThat(e.refused()).isFalse())
        .hasMessageContaining("503").hasMessageContaining("overloaded");
  }

  @Test
  void theBinaryFormCarriesModelsAndUpdatesAsSafetensors() {
    RestAggregatorClient client = new RestAggregatorClient(RestClient.builder(), url(), Duration.ofSeconds(2),
        Duration.ofSeconds(5), "client-1", ClientToken.of(null), WireFormat.BINARY, null);
    GlobalModel served = new GlobalModel(2, 5, RunState.TRAINING, new int[] {2, 2}, new float[] {1, 2, 3, 4, 5, 6},
        null, false, false, true);
    contentType = "application/octet-stream";
    binaryAnswer = SafeTensors.encode(served);
    assertThat(client.fetchModel(1, 30)).isEqualTo(served);
    assertThat(lastAccept).contains("application/octet-stream");

    binaryAnswer = new byte[0];
    ClientUpdate update = new ClientUpdate("client-1", 7, new int[] {2, 2}, new float[] {6, 5, 4, 3, 2, 1}, 0.25, 0.5);
    client.submitUpdate(3, update);
    assertThat(lastContentType).isEqualTo("application/octet-stream");
    assertThat(SafeTensors.clientUpdate(lastBody)).isEqualTo(update);
    assertThat(requests.get(requests.size() - 1)).startsWith("POST /api/v1/rounds/3/updates")
        .endsWith("length=" + lastBody.length);

    binaryAnswer = new byte[] {1, 2, 3};
    assertThatThrownBy(() -> client.fetchModel(1, 30)).isInstanceOf(AggregatorUnavailableException.class)
        .hasMessageContaining("GET /model answered a model this client cannot read (safetensors: 3 bytes");
  }

  @Test
  void anUnreachableAggregatorIsUnavailable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RestAggregatorClient client = new RestAggregatorClient(RestClient.builder(), "http://127.0.0.1:" + port,
        Duration.ofSeconds(2), Duration.ofSeconds(2));

    assertThatThrownBy(() -> client.register(new ClientRegistration("client-1", 1, 1)))
        .isInstanceOfSatisfying(AggregatorUnavailableException.class, e -> assertThat(e.refused()).isTrue())
        .hasMessageContaining("POST /clients").hasMessageContaining("Connect");
  }

  @Test
  void aSlowAnswerTimesOutAsUnavailable() {
    delayMillis = 1500;

    assertThatThrownBy(() -> client(Duration.ofMillis(300)).fetchModel(-1, 0))
        .isInstanceOfSatisfying(AggregatorUnavailableException.class, e -> assertThat(e.refused()).isFalse());
  }

  private static final String STATUS = """
      {"state":"TRAINING","round":1,"rounds":10,"registeredClients":4,"expectedClients":4,
       "updatesReceived":0,"updatesExpected":4,"latest":null,"message":null}""";

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aTokenFileWinsOverTheVariableAndIsReadAgainBeforeEachCall(@TempDir Path dir) throws IOException {
    answer = STATUS;
    Path file = Files.writeString(dir.resolve("client-1.token"), "from-the-file\n");
    ClientProperties both = new ClientProperties("client-1", "shard.csv", url(), null, 0.7, 1, 30, Duration.ofSeconds(5),
        new ClientProperties.Retry(Duration.ofMillis(500), Duration.ofSeconds(2)), true, "from-the-variable", file,
        WireFormat.JSON, ClientProperties.Tls.NONE, false, 0, 0, "label", ClientProperties.Personalize.NONE, 1.0);
    RestAggregatorClient client = new RestAggregatorClient(RestClient.builder(), both);

    client.status();
    Files.writeString(file, "rotated\n", StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    client.status();
    Files.writeString(file, "", StandardOpenOption.TRUNCATE_EXISTING); // caught mid-rewrite: the last token stays
    client.status();

    assertThat(authorizations).containsExactly("Bearer from-the-file", "Bearer rotated", "Bearer rotated");
  }

  @Test
  void aRefusedTokenFromAFileIsRetriedButAFixedOneIsARejection(@TempDir Path dir) throws IOException {
    status = 401;
    contentType = "application/problem+json";
    answer = "{\"title\":\"Unauthenticated\",\"status\":401,\"detail\":\"the bearer token is not any client's\"}";
    Path file = Files.writeString(dir.resolve("client-1.token"), "old\n");
    RestAggregatorClient fromFile = new RestAggregatorClient(RestClient.builder(), url(), Duration.ofSeconds(2),
        Duration.ofSeconds(5), "client-1", ClientToken.file(file), WireFormat.JSON, null);
    RestAggregatorClient fixed = new RestAggregatorClient(RestClient.builder(), url(), Duration.ofSeconds(2),
        Duration.ofSeconds(5), "client-1", "old");

    assertThatThrownBy(() -> fromFile.submitUpdate(2, new ClientUpdate("client-1", 1, new int[] {1, 1},
        new float[] {1, 2}, 0.5, 0.5)))
        .isInstanceOf(AggregatorUnavailableException.class)
        .hasMessageContaining("HTTP 401").hasMessageContaining("FL_CLIENT_TOKEN_FILE is read again");
    assertThatThrownBy(fixed::status).isInstanceOf(AggregatorRejectedException.class)
        .hasMessageContaining("HTTP 401");
  }
}
