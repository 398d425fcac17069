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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code fl runs} against a scripted aggregator on a local port, answering as the real one does (JSON shaped as its
 * {@code RunSummary}, {@code RoundView} and problem details), its reads behind a read token (or the admin token), its
 * submitting and stopping behind the admin token.
 */
class RunsCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "read-secret";
  private static final String ADMIN = "admin-secret";
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
  private static final String RUN_3_QUEUED = "{\"id\":3,\"state\":\"QUEUED\",\"current\":false,\"definition\":{"
      + "\"rounds\":3,\"strategy\":{\"name\":\"fedavgm\",\"parameters\":{\"serverMomentum\":\"0.9\"}}},\"roundsDone\":0,"
      + "\"rounds\":3,\"latestAccuracy\":null,\"bestAccuracy\":null,\"submittedAt\":\"2026-12-07T10:19:00Z\","
      + "\"startedAt\":null,\"finishedAt\":null,\"message\":null}";
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
  private final AtomicInteger queuedLooks = new AtomicInteger();
  private final List<String> accepts = new ArrayList<>();
  /** Every request the aggregator was sent, in order. */
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private record Request(String method, String path, String authorization, String contentType, String body) {}

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
    String authorization = x.getRequestHeaders().getFirst("Authorization");
    requests.add(new Request(x.getRequestMethod(), path, authorization, x.getRequestHeaders().getFirst("Content-Type"),
        new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    accepts.add(path + " " + x.getRequestHeaders().getFirst("Accept"));
    if (x.getRequestMethod().equals("POST")) {
      change(x, path, authorization, JSON.readTree(requests.getLast().body()));
      return;
    }
    if (!("Bearer " + TOKEN).equals(authorization) && !("Bearer " + ADMIN).equals(authorization)) {
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
      case "/api/v1/runs/3" -> { // queued at the first two looks, then stopped before it began
        boolean queued = queuedLooks.incrementAndGet() <= 2;
        send(x, 200, "application/json", "{\"run\":" + (queued ? RUN_3_QUEUED : RUN_3_QUEUED.replace("QUEUED",
            "STOPPED").replace("\"message\":null", "\"message\":\"stopped on request\"")) + ",\"status\":null}");
      }
      case "/api/v1/runs/3/rounds" -> send(x, 409, "application/problem+json", "{\"title\":\"Run not started\","
          + "\"status\":409,\"detail\":\"run 3 is queued\"}");
      case "/api/v1/runs/2/model" -> send(x, 200, x.getRequestHeaders().getFirst("Accept"), "model bytes");
      case "/api/v1/runs/2/metrics.xlsx" -> send(x, 200, "application/octet-stream", "xlsx bytes");
      default -> send(x, 404, "application/problem+json", "{\"title\":\"No such run\",\"status\":404,"
          + "\"detail\":\"run 9 is not kept here; GET /api/v1/runs lists the runs\"}");
    }
  }

  /**
   * A submission (rounds 0: refused with field errors; rounds 2: run 2, under way at once, its Location absolute;
   * otherwise run 3, queued, its Location relative) or a stop (run 2 stops; run 1 has ended).
   */
  private void change(HttpExchange x, String path, String authorization, JsonNode request) throws IOException {
    if (!("Bearer " + ADMIN).equals(authorization)) {
      send(x, 401, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401,"
          + "\"detail\":\"an admin token is required\"}");
      return;
    }
    switch (path) {
      case "/api/v1/runs" -> {
        int rounds = request.path("rounds").asInt(3);
        if (rounds == 0) {
          send(x, 400, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Bad Request\","
              + "\"status\":400,\"detail\":\"the run request is not valid\",\"errors\":[{\"field\":\"rounds\","
              + "\"message\":\"must be at least 1\"},{\"field\":\"strategy.name\",\"message\":\"unknown strategy "
              + "'fedx'\"}]}");
          return;
        }
        x.getResponseHeaders().set("Location", rounds == 2 ? url + "/api/v1/runs/2" : "/api/v1/runs/3");
        send(x, 201, "application/json", rounds == 2 ? RUN_2_TRAINING : RUN_3_QUEUED);
      }
      case "/api/v1/runs/2/stop" -> send(x, 200, "application/json", RUN_2_TRAINING.replace("TRAINING", "STOPPED")
          .replace("\"message\":null", "\"message\":\"stopped: " + request.path("reason").asString("") + "\""));
      case "/api/v1/runs/1/stop" -> send(x, 409, "application/problem+json", "{\"title\":\"Conflict\","
          + "\"status\":409,\"detail\":\"run 1 has ended (COMPLETED): there is nothing to stop\"}");
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

  /** A run its clients score: a round's line waits for every client's score, or for a later round to close. */
  @Test
  void watchWaitsForTheClientsScoresOfARunTheyScore() {
    tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
    JsonNode byClients = json.readTree("{\"registeredClients\": 3, \"latest\": {\"scoredBy\": \"clients\"}}");
    JsonNode byServer = json.readTree("{\"registeredClients\": 3, \"latest\": {\"scoredBy\": \"server\"}}");
    JsonNode rounds = json.readTree("[{\"round\": 1, \"state\": \"COMPLETED\", \"evaluations\": [{}, {}]},"
        + " {\"round\": 2, \"state\": \"OPEN\", \"evaluations\": []}]");
    JsonNode first = rounds.get(0);
    assertThat(RunsCommand.scoreSettled(byServer, first, rounds)).isTrue();
    assertThat(RunsCommand.scoreSettled(byClients, first, rounds)).as("2 of 3 clients").isFalse();
    assertThat(RunsCommand.scoreSettled(byClients, first, json.readTree("[{\"round\": 1, \"state\": \"COMPLETED\","
        + " \"evaluations\": [{}, {}]}, {\"round\": 2, \"state\": \"COMPLETED\", \"evaluations\": []}]")))
        .as("a later round closed").isTrue();
    assertThat(RunsCommand.scoreSettled(byClients, json.readTree("{\"round\": 1, \"state\": \"COMPLETED\", "
        + "\"evaluations\": [{}, {}, {}]}"), rounds)).as("every client").isTrue();
  }

  /** A queued run is waited for; one stopped before it began ends the watch without asking for its rounds. */
  @Test
  void watchWaitsForAQueuedRun() {
    CliTest.Result r = CliTest.run("runs", "watch", "3", "--aggregator", url, "--token", TOKEN, "--interval", "0.05");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out().lines().toList()).containsExactly("run 3 queued: waiting for the runs before it to end",
        RunsCommand.line(JSON.readTree(RUN_3_QUEUED.replace("QUEUED", "STOPPED"))) + "  stopped on request");
    assertThat(requests).extracting(Request::path).doesNotContain("/api/v1/runs/3/rounds");
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

  @Test
  void submitSendsOnlyTheOptionsGivenWithTheAdminToken() {
    CliTest.Result r = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--rounds", "3",
        "--strategy", "fedavgm");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("run 3 queued: " + url + "/api/v1/runs/3\n");
    assertThat(requests).hasSize(1);
    Request sent = requests.getFirst();
    assertThat(sent.method() + " " + sent.path()).isEqualTo("POST /api/v1/runs");
    assertThat(sent.authorization()).isEqualTo("Bearer " + ADMIN);
    assertThat(sent.contentType()).isEqualTo("application/json");
    assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("{\"rounds\":3,\"strategy\":{\"name\":\"fedavgm\"}}"));
    CliTest.Result bare = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN);
    assertThat(bare.code()).as(bare.err()).isZero();
    assertThat(JSON.readTree(requests.getLast().body())).isEqualTo(JSON.readTree("{}"));    CliTest.Result named = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--sites",
        "client-1,client-3");
    assertThat(named.code()).as(named.err()).isZero();
    assertThat(JSON.readTree(requests.getLast().body())).isEqualTo(JSON.readTree("{\"sites\":[\"client-1\","
        + "\"client-3\"]}"));
  }

  @Test
  void submitSendsEachOptionUnderItsField() {
    CliTest.Result r = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--rounds", "4",
        "--clients", "6", "--epochs", "2", "--batch-size", "32", "--learning-rate", "0.05", "--momentum", "0.5",
        "--l2", "0.001", "--seed", "7", "--preset", "seed", "--layers", "784,200,200,10", "--strategy", "fedadam",
        "--strategy-param", "eta=0.05,beta1=0.5", "--strategy-param", "tau=0.01", "--fraction", "0.5",
        "--min-clients", "2", "--dp-clip", "1.5", "--dp-noise", "0.8", "--dp-delta", "0.0001",
        "--secure-aggregation", "--secagg-bound", "8");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(requests.getLast().body())).isEqualTo(JSON.readTree("{\"rounds\":4,\"clients\":6,"
        + "\"localEpochs\":2,\"batchSize\":32,\"learningRate\":0.05,\"momentum\":0.5,\"l2\":0.001,\"seed\":7,"
        + "\"preset\":\"seed\",\"layers\":\"784,200,200,10\",\"strategy\":{\"name\":\"fedadam\",\"parameters\":{"
        + "\"eta\":\"0.05\",\"beta1\":\"0.5\",\"tau\":\"0.01\"}},\"fractionFit\":0.5,\"minFitClients\":2,"
        + "\"privacy\":{\"clip\":1.5,\"noise\":0.8,\"delta\":1.0E-4},\"secureAggregation\":{\"bound\":8.0}}"));
    // A part given alone: the strategy's parameters, the noise, secure aggregation at the federation's bound.
    CliTest.Result parts = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--strategy-param",
        "mu=0.1", "--dp-noise", "2", "--secure-aggregation");
    assertThat(parts.code()).as(parts.err()).isZero();
    assertThat(JSON.readTree(requests.getLast().body())).isEqualTo(JSON.readTree("{\"strategy\":{\"parameters\":"
        + "{\"mu\":\"0.1\"}},\"privacy\":{\"noise\":2.0},\"secureAggregation\":{}}"));
  }

  @Test
  void submitWithWatchFollowsTheStartedRunToItsEnd() {
    CliTest.Result r = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--rounds", "2",
        "--watch", "--interval", "0.05");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("run 2 started: " + url + "/api/v1/runs/2");
    assertThat(lines.subList(1, 3)).containsExactly(
        "round 1/2  global test accuracy 88.00%  loss 0.4100  2 updates",
        "round 2/2  global test accuracy 92.26%  loss 0.4667  2 updates");
    assertThat(lines.getLast()).startsWith("run 2*").contains("COMPLETED");
    assertThat(requests).filteredOn(q -> q.method().equals("GET")).isNotEmpty()
        .allMatch(q -> q.authorization().equals("Bearer " + ADMIN));
  }

  @Test
  void aRefusedSubmissionIsOneLineNamingEachField() {
    CliTest.Result r = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN, "--rounds", "0",
        "--strategy", "fedx");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("fl runs submit: the run request is not valid; rounds: must be at least 1; "
        + "strategy.name: unknown strategy 'fedx'\n");
    CliTest.Result read = CliTest.run("runs", "submit", "--aggregator", url, "--token", TOKEN, "--rounds", "3");
    assertThat(read.code()).isEqualTo(1);
    assertThat(read.err()).isEqualTo("fl runs submit: the aggregator refused the request (401: an admin token is "
        + "required): give its admin token with --token or FL_ADMIN_TOKEN\n");
    server.stop(0);
    CliTest.Result down = CliTest.run("runs", "submit", "--aggregator", url, "--token", ADMIN);
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err()).isEqualTo("fl runs submit: cannot reach the aggregator at " + url + " (--aggregator)\n");
  }

  @Test
  void submitRefusesBeforeSendingWhatItDoesNotOffer() {
    for (String[] wrong : new String[][] {{"--secagg-bound", "8"}, {"--interval", "1"}, {"--watch", "--interval",
        "0"}, {"--strategy-param", "mu"}, {"--rounds", "x"}, {"--mnist", "data"}, {"--sizes", "10,20"},
        {"--shards", "dir"}, {"--out", "r.xlsx"}, {"--save-model", "m.json"}, {"--target-accuracy", "0.9"},
        {"--byzantine", "1"}, {"--attack", "signflip"}, {"--threads", "2"}, {"--train-fraction", "0.5"}}) {
      List<String> args = new ArrayList<>(List.of("runs", "submit", "--aggregator", url, "--token", ADMIN));
      args.addAll(List.of(wrong));
      CliTest.Result r = CliTest.run(args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", wrong)).isEqualTo(2);
      assertThat(r.err().lines()).as(String.join(" ", wrong)).hasSize(1).allMatch(l -> l.startsWith("fl runs submit: "));
    }
    assertThat(requests).isEmpty();
  }

  @Test
  void submitsHelpShowsNoneOfSimulatesDefaults() {
    String help = CliTest.run("runs", "submit", "--help").out().replaceAll("\\s+", " ");
    assertThat(help).contains("--rounds=N Rounds. ", "--epochs=N Passes over the training data", "--strategy=ID",
        "--dp-clip=C", "--secure-aggregation", "--clients=N", "--watch", "FL_ADMIN_TOKEN", "Exit codes:");
    assertThat(help.split("\\(default: ", -1)).as(help).hasSize(4); // --aggregator, --interval and --token only
    assertThat(CliTest.run("simulate", "--help").out().replaceAll("\\s+", " ")).contains("Rounds (default: 10)");
  }

  @Test
  void stopPostsToTheRunAndPrintsItsLine() {
    CliTest.Result r = CliTest.run("runs", "stop", "2", "--aggregator", url, "--token", ADMIN, "--reason", "enough");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("run 2*").contains("STOPPED", "fedavgm", "1/2 rounds").endsWith("\n");
    assertThat(r.out().lines()).hasSize(1);
    Request sent = requests.getLast();
    assertThat(sent.method() + " " + sent.path() + " " + sent.authorization()).isEqualTo("POST /api/v1/runs/2/stop "
        + "Bearer " + ADMIN);
    assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("{\"reason\":\"enough\"}"));
    assertThat(CliTest.run("runs", "stop", "2", "--aggregator", url, "--token", ADMIN).code()).isZero();
    assertThat(JSON.readTree(requests.getLast().body())).isEqualTo(JSON.readTree("{}"));
    CliTest.Result ended = CliTest.run("runs", "stop", "1", "--aggregator", url, "--token", ADMIN);
    assertThat(ended.code()).isEqualTo(1);
    assertThat(ended.err()).isEqualTo("fl runs stop: run 1 has ended (COMPLETED): there is nothing to stop\n");
  }

  @Test
  void submitAndStopTakeTheAdminTokenAndReadsTheReadToken() {
    var runs = new picocli.CommandLine(new Main()).getSubcommands().get("runs").getSubcommands();
    for (String cmd : List.of("submit", "stop", "list", "get", "watch")) {
      var spec = runs.get(cmd).getCommandSpec().interpolateVariables(false); // the default as written, not its value
      assertThat(spec.findOption("--token").defaultValue()).as(cmd)
          .isEqualTo(cmd.equals("submit") || cmd.equals("stop") ? "${env:FL_ADMIN_TOKEN}" : "${env:FL_READ_TOKEN}");
    }
  }
}
