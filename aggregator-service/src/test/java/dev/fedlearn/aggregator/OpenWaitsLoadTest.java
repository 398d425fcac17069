package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's load over real HTTP: hundreds of long polls held open, and a flood of event streams from one address.
 * Before, 230 polls took every request thread (the health check waited 28 s for them to end) and 70 streams locked the
 * dashboard out. Now a waiting poll holds no thread, and one address's streams are capped, so another address's
 * dashboard still gets its stream. The one timing here is a safety net far above what the check needs (it answers in
 * milliseconds); what would fail on the old code is the health check waiting for the polls to end (30 s).
 */
class OpenWaitsLoadTest {
  static final int POLLS = 300;
  static final HttpClient HTTP = HttpClient.newBuilder().build();

  @TempDir
  Path state;

  @Test
  void hundredsOfOpenPollsLeaveTheHealthCheckAnsweringAndOneAddressCannotTakeEveryStream() throws Exception {
    try (TestApp app = new TestApp(state, "--fl.clients=2", "--fl.layers=784,2,10")) {
      List<CompletableFuture<HttpResponse<Void>>> polls = new ArrayList<>();
      for (int i = 0; i < POLLS; i++) {
        polls.add(HTTP.sendAsync(HttpRequest.newBuilder(app.uri("/api/v1/model?after=5&wait=30")).build(),
            HttpResponse.BodyHandlers.discarding()));
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> HTTP.send(HttpRequest.newBuilder(
          app.uri("/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body()
          .contains("fl_requests_waiting " + POLLS + ".0"));
      // every poll is held by the server now, yet the health check answers at once
      long start = System.nanoTime();
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(app.uri("/actuator/health"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "health with %d polls open: %.3f s%n", POLLS, seconds);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(polls).as("the polls are still held").noneMatch(CompletableFuture::isDone);

      List<Socket> streams = new ArrayList<>();
      int refused = 0;
      try {
        for (int i = 0; i < 20; i++) {
          Socket s = new Socket("127.0.0.1", app.port());
          streams.add(s);
          if (status(s).equals("429")) {
            refused++;
          }
        }
        assertThat(refused).as("one address holds at most 8 streams").isEqualTo(12);
        Socket other = new Socket("127.0.0.1", app.port(), InetAddress.getByName("127.0.0.2"), 0);
        streams.add(other);
        assertThat(status(other)).as("another address still gets its stream").isEqualTo("200");
      } finally {
        for (Socket s : streams) {
          s.close();
        }
        polls.forEach(p -> p.cancel(true));
      }
    }
  }

  /** Opens the event stream on {@code socket} and returns the answer's status code. */
  private static String status(Socket socket) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
    return line.split(" ")[1];
  }
}
