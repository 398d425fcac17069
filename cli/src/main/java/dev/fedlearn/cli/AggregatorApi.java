package dev.fedlearn.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running aggregator's read API, for {@code fl runs}: GET requests with the read token when one is given; a refusal
 * becomes one line with the problem's detail (RFC 9457), an unreachable aggregator one line naming it.
 */
final class AggregatorApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The aggregator at {@code url} (e.g. {@code http://localhost:8080}), read with {@code token} (null: none). */
  AggregatorApi(String url, String token) {
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
  }

  /** {@code GET /api/v1/PATH} as JSON. */
  JsonNode json(String path) throws IOException, InterruptedException {
    byte[] body = get(path, "application/json");
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      throw new IOException(base + "/api/v1/" + path + " answered something that is not JSON", e);
    }
  }

  /** {@code GET /api/v1/PATH} as bytes of the media type {@code accept}. */
  byte[] get(String path, String accept) throws IOException, InterruptedException {
    String url = base + "/api/v1/" + path;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", accept);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new IOException("cannot reach the aggregator at " + base + " (--aggregator)", e);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    String why = problem(response.body());
    if (status == 401 || status == 403) {
      throw new IOException("the aggregator refused the read (" + status + (why.isEmpty() ? "" : ": " + why)
          + "): give its read token with --token or FL_READ_TOKEN");
    }
    throw new IOException("GET " + url + " answered " + status + (why.isEmpty() ? "" : ": " + why));
  }

  /** A problem detail's {@code detail} (or {@code title}); empty for a body that is not one. */
  private static String problem(byte[] body) {
    try {
      JsonNode p = JSON.readTree(body);
      JsonNode text = p.has("detail") ? p.get("detail") : p.get("title");
      return text == null || text.isNull() ? "" : text.asString();
    } catch (JacksonException e) {
      return "";
    }
  }
}
