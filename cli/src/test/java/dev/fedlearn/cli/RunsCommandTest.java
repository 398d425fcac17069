package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fl runs} against a scripted aggregator on a local port, answering as the real one does (JSON shaped as its
 * {@code RunSummary}, {@code RoundView} and problem details), behind a read token.
 */
class RunsCommandTest {
  private static final String TOKEN = "read-secret";
  private static final String RUN_1 = "{\"id\":1,\"state\":\"COMPLETED\",\"current\":false,\"definition\":{\"rounds\":10,"
      + "\"strategy\":{\"name\":\"fedavg\",\"parameters\":{}}},\"roundsDone\":10,\"rounds\":10,\"latestAccuracy\":0.9405,"
      + "\"bestAccuracy\":0.9405,\"submittedAt\":\"2026-12-07T10:17:15Z\",\"startedAt\":\"2026-12-07T10:17:17Z\","
      + "\"finishedAt\":\"2026-12-07T10:17:28Z\",\"message\":null}";
  private static final String RUN_2_TRAINING = "{\"id\":2,\"state\":\"TRAINING\",\"current\":true,\"definition\":{"
      + "\"rounds\":2,\"strategy\":{\"name\":\"fedavgm\",\"parameters\":{\"serverMomentum\":\"0.5\"}}},\"roundsDone\":1,"
      + "\"rounds\":2,\"latestAccuracy\":0.88,\"bestAccuracy\":0.88,\"submittedAt\":\"2026-12-07T10:18:01Z\","
      + "\"startedAt\":\"2026-12-07T10:18:07Z\",\"finishedAt\":null,\"message\":null}";
  private static final String RUN_2_DONE = RUN_2_TRAINING.replace("TRAINING", "COMPLETED")
      .replace("\"roundsDone\":1", "\"roundsDone\":2").replace("\"latestAccuracy\":0.88", "\"latestAccuracy\":0.9226");
  private static final String ROUND_1 = "{\"round\":1,\"state\":\"COMPLETED\",\"participants\":[\"client-1\","
      + "\"client-2\"],\"globalTestAccuracy\":0.88,\"globalTestLoss\":0.41}";
  private static final String ROUND_2_OPEN = "{\"round\":2,\"state\":\"OPEN\",\"participants\":[],"
      + "\"globalTestAccuracy\":null,\"globalTestLoss\":null}";
  private static final String ROUND_2 = "{\"round\":2,\"state\":\"COMPLETED\",\"participants\":[\"client-1\","
      + "\"client-2\"],\"globalTestAccuracy\":0.9226,\"globalTestLoss\":0.4667}";

  @TempDir
  Path dir;

  private HttpServer server;
  private String url;
  private final AtomicInteger polls = new AtomicInteger();
  private final List<String> accepts = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/", this::answer);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    accepts.add(path + " " + x.getRequestHeaders().getFirst("Accept"));
    if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
      send(x, 401, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401,"
          + "\"detail\":\"a read token is required\"}");
      return;
    }
    boolean done = polls.get() >= 2; // run 2 completes at the watch's second look
    switch (path) {
      case "/api/v1/runs" -> send(x, 200, "application/json", "[" + RUN_1 + "," + RUN_2_TRAINING + "]");
      case "/api/v1/runs/2" -> {
        polls.incrementAndGet();
        send(x, 200, "application/json", "{\"run\":" + (polls.get() >= 2 ? RUN_2_DONE : RUN_2_TRAINING)
            + ",\"status\":{\"state\":\"TRAINING\"}}");
      }
      case "/api/v1/runs/2/rounds" -> send(x, 200, "application/json", "[" + ROUND_1 + ","
          + (done ? ROUND_2 : ROUND_2_OPEN) + "]");
      case "/api/v1/runs/2/model" -> send(x, 200, x.getRequestHeaders().getFirst("Accept"), "model bytes");
      case "/api/v1/runs/2/metrics.xlsx" -> send(x, 200, "application/octet-stream", "xlsx bytes");
      default -> send(x, 404, "application/problem+json", "{\"title\":\"No such run\",\"status\":404,"
          + "\"detail\":\"run 9 is not kept here; GET /api/v1/runs lists the runs\"}");
    }
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  @Test
  void listShowsEveryRunThenItsJson() {
    CliTest.Result r = CliTest.run("runs", "list", "--aggregator", url, "--token", TOKEN);
    assertThat(r.code()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).startsWith("run 1 ").contains("COMPLETED", "fedavg", "10/10 rounds", "latest 94.05%");
    assertThat(lines[1]).startsWith("run 2*").contains("TRAINING", "fedavgm", "1/2 rounds", "best 88.00%");
    assertThat(lines[2]).startsWith("{\"runs\":[{\"id\":1");
  }

  @Test
  void getSavesTheWorkbookAndTheModelInTheFormatItsNameSays() throws IOException {
    Path model = dir.resolve("run2.safetensors");
    Path workbook = dir.resolve("run2.xlsx");
    CliTest.Result r = CliTest.run("runs", "get", "2", "--aggregator", url, "--token", TOKEN, "--model",
        model.toString(), "--workbook", workbook.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(model)).isEqualTo("model bytes");
    assertThat(Files.readString(workbook)).isEqualTo("xlsx bytes");
    assertThat(accepts).contains("/api/v1/runs/2/model application/octet-stream");
    assertThat(r.out()).contains("model saved to " + model, "\"model\":\"" + model.toString().replace("\\", "\\\\"));
    CliTest.Result json = CliTest.run("runs", "get", "2", "--aggregator", url, "--token", TOKEN, "--model",
        dir.resolve("run2.json").toString());
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(accepts).contains("/api/v1/runs/2/model application/json");
  }

  @Test
  void watchPrintsEachRoundOnceAndExitsByOutcome() {
    CliTest.Result r = CliTest.run("runs", "watch", "2", "--aggregator", url, "--token", TOKEN, "--interval", "0.05");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("round ")).toList()).containsExactly(
        "round 1/2  global test accuracy 88.00%  loss 0.4100  2 updates",
        "round 2/2  global test accuracy 92.26%  loss 0.4667  2 updates");
    assertThat(r.out().lines().reduce((a, b) -> b).orElseThrow()).startsWith("run 2*").contains("COMPLETED");
  }

  @Test
  void refusalsAndMistakesAreOneLine() {
    CliTest.Result noToken = CliTest.run("runs", "list", "--aggregator", url, "--token", "");
    assertThat(noToken.code()).isEqualTo(1);
    assertThat(noToken.err().strip()).isEqualTo("fl runs list: the aggregator refused the read (401: a read token is "
        + "required): give its read token with --token or FL_READ_TOKEN");
    CliTest.Result unknown = CliTest.run("runs", "get", "9", "--aggregator", url, "--token", TOKEN);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("answered 404: run 9 is not kept here").doesNotContain("Exception");
    server.stop(0);
    CliTest.Result down = CliTest.run("runs", "list", "--aggregator", url, "--token", TOKEN);
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err().strip()).isEqualTo("fl runs list: cannot reach the aggregator at " + url + " (--aggregator)");
    assertThat(CliTest.run("runs", "list", "--aggregator", "ftp://x").code()).isEqualTo(2);
    assertThat(CliTest.run("runs", "watch", "2", "--interval", "0").code()).isEqualTo(2);
    assertThat(CliTest.run("runs", "get", "two").code()).isEqualTo(2);
    assertThat(CliTest.run("runs", "get", "2", "--model", dir.resolve("m.bin").toString()).code()).isEqualTo(2);
  }
}
