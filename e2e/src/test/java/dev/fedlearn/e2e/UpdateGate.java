package dev.fedlearn.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test hook on the wire: a small HTTP proxy between one client jar and the aggregator (the jar's
 * {@code FL_AGGREGATOR_URL} is {@link #url()}). It forwards every request as it is, except a client update
 * ({@code POST /api/v1/rounds/N/updates}) of a round the test holds: that one waits in the proxy until the test
 * {@link #release releases} the round, then goes on to the aggregator (the one listening then: it may have been
 * restarted meanwhile). The jar stays the real jar, but the test decides when its update of a round arrives: a round
 * that waits for that client stays open exactly as long as the test needs, however fast or slow the machine, and a
 * client killed while its update is held has provably not delivered it.
 */
final class UpdateGate implements AutoCloseable {
  private static final Pattern UPDATE = Pattern.compile("/api/v1/rounds/(\\d+)/updates");
  /** Headers the proxy does not copy: they belong to one connection, or Java's HTTP client sets them itself. */
  private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
      "transfer-encoding", "keep-alive", "proxy-connection", "te", "trailer", "http2-settings", "date");
  /** Longer than any long poll of the jar (at most 60 s). */
  private static final Duration FORWARD_TIMEOUT = Duration.ofMinutes(3);

  private final String target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "update-gate");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  /** Per held round: completed once the test releases it. */
  private final Map<Integer, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
  /** Per round: completed once an update of that round reached the proxy (held or not). */
  private final Map<Integer, CompletableFuture<Void>> arrived = new ConcurrentHashMap<>();
  private volatile int holdFrom = Integer.MAX_VALUE;

  /** A gate in front of the aggregator at {@code target} (e.g. {@code http://localhost:8080}), on a free port. */
  UpdateGate(String target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(threads);
    int own = server.getAddress().getPort();
    if (URI.create(target).getPort() == own) { // it would forward to itself, each request opening one more
      server.stop(0);
      throw new IllegalStateException("the gate took the aggregator's port " + own + ": " + target);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  /** Where the client jar should send its requests. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Holds the updates of round {@code round}, until released. */
  UpdateGate hold(int round) {
    held.computeIfAbsent(round, r -> new CompletableFuture<>());
    return this;
  }

  /** Holds the updates of every round from {@code round} on, each until released. */
  UpdateGate holdFrom(int round) {
    holdFrom = round;
    return this;
  }

  /** Lets the held updates of round {@code round} (and any later one of it) go on to the aggregator. */
  void release(int round) {
    future(held, round).complete(null);
  }

  /**
   * Waits until the client has sent its update of round {@code round} to the proxy: with the round held, the update
   * is then waiting here, and the aggregator does not have it.
   */
  void awaitUpdate(int round, Duration timeout) {
    Await.until("the client's update of round " + round + " reaches the gate", timeout,
        () -> future(arrived, round).isDone(), done -> done);
  }

  private static CompletableFuture<Void> future(Map<Integer, CompletableFuture<Void>> map, int round) {
    return map.computeIfAbsent(round, r -> new CompletableFuture<>());
  }

  private boolean isHeld(int round) {
    return round >= holdFrom || held.containsKey(round);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getRawPath();
      Matcher update = UPDATE.matcher(path);
      if ("POST".equals(exchange.getRequestMethod()) && update.matches()) {
        int round = Integer.parseInt(update.group(1));
        future(arrived, round).complete(null);
        if (isHeld(round)) {
          future(held, round).join();
        }
      }
      forward(exchange, body);
    } finally {
      exchange.close();
    }
  }

  private void forward(HttpExchange exchange, byte[] body) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().getRawPath()
        + (query == null ? "" : "?" + query))).timeout(FORWARD_TIMEOUT)
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) { // the aggregator is not there (killed, or starting again): a bad gateway, retried
      reply(exchange, 502, Map.of("Content-Type", List.of("text/plain")),
          ("gate: " + e).getBytes(StandardCharsets.UTF_8));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(exchange, 503, Map.of(), new byte[0]);
      return;
    }
    reply(exchange, response.statusCode(), response.headers().map(), response.body());
  }

  private static void reply(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
      throws IOException {
    headers.forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Lets every held update go (to whatever still listens) and stops the proxy. */
  @Override
  public void close() {
    holdFrom = Integer.MAX_VALUE;
    held.values().forEach(f -> f.complete(null));
    server.stop(0);
    threads.shutdownNow();
  }
}
