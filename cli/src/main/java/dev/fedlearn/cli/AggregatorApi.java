package dev.fedlearn.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running aggregator's API, for {@code fl runs}: GET requests to read runs and POST requests to submit and stop
 * them, with the token when one is given; a refusal becomes one line with the problem's detail (RFC 9457) and its
 * field errors, an unreachable aggregator one line naming it.
 */
final class AggregatorApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Which of the aggregator's tokens a command gives: its name and the environment variable it defaults to. */
  enum Token {
    /** Reads the runs. */
    READ("read", "FL_READ_TOKEN"),
    /** Submits and stops runs. */
    ADMIN("admin", "FL_ADMIN_TOKEN");

    private final String name;
    private final String variable;

    Token(String name, String variable) {
      this.name = name;
      this.variable = variable;
    }
  }

  /** A POST's answer: its JSON body, and its {@code Location} resolved against the request's URL (null: none). */
  record Answer(JsonNode body, String location) {}

  private final String base;
  private final String token;
  private final Token kind;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * The aggregator at {@code url} (e.g. {@code http://localhost:8080}), called with {@code token} (null: none), its
   * {@code kind} of token.
   */
  AggregatorApi(String url, String token, Token kind) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--aggregator: not a URL: " + url, e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("--aggregator: an http:// or https:// URL with a host, got " + url);
    }
    this.base = url.replaceAll("/+$", "");
    this.token = token == null || token.isBlank() ? null : token.strip();
    this.kind = kind;
  }

  /** {@code GET /api/v1/PATH} as JSON. */
  JsonNode json(String path) throws IOException, InterruptedException {
    return parse(get(path, "application/json"), path);
  }

  /** {@code GET /api/v1/PATH} as bytes of the media type {@code accept}. */
  byte[] get(String path, String accept) throws IOException, InterruptedException {
    return send(request(path).header("Accept", accept).GET(), "GET", path).body();
  }

  /** {@code POST /api/v1/PATH} with {@code body} as JSON; the answer (200 or 201) as JSON, with its Location. */
  Answer post(String path, Map<String, ?> body) throws IOException, InterruptedException {
    HttpRequest.Builder request = request(path).header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    HttpResponse<byte[]> response = send(request, "POST", path);
    String location = response.headers().firstValue("Location").map(l -> resolve(response.uri(), l)).orElse(null);
    return new Answer(parse(response.body(), path), location);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/" + path)).timeout(TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /**
   * Sends the request; a 2xx answer is returned, anything else thrown as one line: a refusal of the token names the
   * token to give; a POST's other 4xx is its problem's detail and field errors; the rest names the request and status.
   */
  private HttpResponse<byte[]> send(HttpRequest.Builder request, String method, String path)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new IOException("cannot reach the aggregator at " + base + " (--aggregator)", e);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response;
    }
    String why = problem(response.body());
    if (status == 401 || status == 403) {
      throw new IOException("the aggregator refused the " + (method.equals("GET") ? "read" : "request") + " ("
          + status + (why.isEmpty() ? "" : ": " + why) + "): give its " + kind.name + " token with --token or "
          + kind.variable);
    }
    if (method.equals("POST") && status / 100 == 4 && !why.isEmpty()) {
      throw new IOException(why);
    }
    throw new IOException(method + " " + base + "/api/v1/" + path + " answered " + status
        + (why.isEmpty() ? "" : ": " + why));
  }

  private JsonNode parse(byte[] body, String path) throws IOException {
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new IOException(base + "/api/v1/" + path + " answered something that is not JSON", e);
    }
  }

  /** {@code location} resolved against {@code request}; as it is when it is not a URI. */
  private static String resolve(URI request, String location) {
    try {
      return request.resolve(location.strip()).toString();
    } catch (IllegalArgumentException e) {
      return location;
    }
  }

  /**
   * A problem detail's {@code detail} (or {@code title}), then each of its {@code errors} as {@code field: message},
   * joined by {@code "; "}; empty for a body that is not one.
   */
  private static String problem(byte[] body) {
    JsonNode p;
    try {
      p = JSON.readTree(body);
    } catch (JacksonException e) {
      return "";
    }
    if (p == null || !p.isObject()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    JsonNode text = p.has("detail") ? p.get("detail") : p.get("title");
    if (text != null && !text.isNull() && !text.asString().isBlank()) {
      parts.add(text.asString());
    }
    for (JsonNode error : p.path("errors")) {
      parts.add(error.path("field").asString("?") + ": " + error.path("message").asString(""));
    }
    return String.join("; ", parts);
  }
}
