package dev.fedlearn.aggregator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The whole aggregator on a free port, over a given state folder, called over real HTTP. */
final class TestApp implements AutoCloseable {
  static final String DATA_DIR = System.getProperty("fl.data.dir", "../data");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ConfigurableApplicationContext context;
  private final int port;

  TestApp(Path state, String... args) {
    List<String> all = new ArrayList<>(List.of("--server.port=0", "--fl.data-dir=" + DATA_DIR,
        "--fl.state-dir=" + state));
    all.addAll(List.of(args));
    context = new SpringApplicationBuilder(AggregatorApplication.class).run(all.toArray(String[]::new));
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** The address of {@code path} on this aggregator, as given (no normalization, no encoding). */
  URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  int port() {
    return port;
  }

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return call("GET", path, null);
  }

  HttpResponse<String> get(String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens {@code path} as a stream of lines (a server-sent event stream); closing the stream ends the request. */
  java.util.stream.Stream<String> lines(String path) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      r.body().close();
      throw new IllegalStateException(path + " answered " + r.statusCode());
    }
    return r.body();
  }

  @Override
  public void close() {
    context.close();
  }
}
