package dev.fedlearn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code fl runs}: the runs a running aggregator keeps, over its API ({@code /api/v1/runs...}): list them, get one
 * (its status, its workbook, its model), watch one to its end, submit one ({@link SubmitRun}) or stop one.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "The runs a running aggregator keeps: list them, get one (with its workbook and model), watch one "
        + "round by round to its end; submit a run or stop one (with its admin token).",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.GetRun.class, RunsCommand.WatchRun.class, SubmitRun.class,
        RunsCommand.StopRun.class})
final class RunsCommand {
  /** Where the aggregator is, and a token of the subclass's kind: its {@code --token} option sets it. */
  abstract static class Aggregator {
    @Option(names = "--aggregator", paramLabel = "URL", defaultValue = "http://localhost:${env:FL_PORT:-8080}",
        description = "The aggregator (default: ${DEFAULT-VALUE}: the port compose publishes, FL_PORT, else 8080).")
    String url;

    String token;
    private final AggregatorApi.Token kind;

    Aggregator(AggregatorApi.Token kind) {
      this.kind = kind;
    }

    AggregatorApi api() {
      return new AggregatorApi(url, token, kind);
    }
  }

  /** The aggregator and the token that reads it. */
  static final class Connection extends Aggregator {
    Connection() {
      super(AggregatorApi.Token.READ);
    }

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FL_READ_TOKEN}",
        description = "Its read token, when it has one (default: the environment's FL_READ_TOKEN).")
    void token(String token) {
      this.token = token;
    }
  }

  /** The aggregator and the token that submits and stops runs. */
  static final class AdminConnection extends Aggregator {
    AdminConnection() {
      super(AggregatorApi.Token.ADMIN);
    }

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FL_ADMIN_TOKEN}",
        description = "Its admin token, when it has one (default: the environment's FL_ADMIN_TOKEN).")
    void token(String token) {
      this.token = token;
    }
  }

  /** How often a watch asks the aggregator. */
  static final class Interval {
    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
        description = "How often to ask the aggregator while watching (default: ${DEFAULT-VALUE}).")
    double seconds;

    /** The interval, refused outside (0, 3600] seconds. */
    Duration checked() {
      if (!(seconds > 0 && seconds <= 3600)) {
        throw new IllegalArgumentException("--interval must be in (0, 3600] seconds, got " + seconds);
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    }
  }

  /** One run's line: id, state, strategy, rounds done, latest and best global test accuracy. */
  static String line(JsonNode run) {
    JsonNode definition = run.get("definition");
    String strategy = definition == null || definition.isNull() ? "?" : definition.get("strategy").get("name")
        .asString();
    return String.format(Locale.ROOT, "run %d%s  %-19s %-10s %3d/%s rounds  latest %s  best %s",
        run.get("id").asInt(), run.get("current").asBoolean() ? "*" : " ", run.get("state").asString(), strategy,
        run.get("roundsDone").asInt(), text(run.get("rounds")), pct(run.get("latestAccuracy")),
        pct(run.get("bestAccuracy")));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? "?" : n.asString();
  }

  /**
   * Whether a completed round's score is final: the server's, or, when the clients score the run, once every client
   * has scored it or a later round has closed.
   */
  static boolean scoreSettled(JsonNode status, JsonNode round, JsonNode rounds) {
    JsonNode latest = status == null ? null : status.get("latest");
    if (latest == null || !"clients".equals(latest.path("scoredBy").asString(""))) {
      return true;
    }
    int number = round.get("round").asInt();
    for (JsonNode later : rounds) {
      if (later.get("round").asInt() > number && "COMPLETED".equals(later.get("state").asString())) {
        return true;
      }
    }
    return round.path("evaluations").size() >= status.path("registeredClients").asInt();
  }

  private static String pct(JsonNode n) {
    return n == null || n.isNull() ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * n.asDouble());
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Every run the aggregator keeps, oldest first (* marks the run it serves). The last line is JSON.")
  static final class ListRuns implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
      JsonNode runs = connection.api().json("runs");
      PrintWriter out = spec.commandLine().getOut();
      for (JsonNode run : runs) {
        out.println(line(run));
      }
      out.println(Json.line(Map.of("runs", runs)));
      return Main.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "One run: its line and status; with --workbook and --model, its workbook and last global model "
          + "saved to files. The last line is JSON.")
  static final class GetRun implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "ID", description = "The run's id (fl runs list).")
    int id;

    @Option(names = "--workbook", paramLabel = "FILE.xlsx", description = "Save the run's workbook here.")
    Path workbook;

    @Option(names = "--model", paramLabel = "FILE",
        description = "Save the run's last global model here: FILE.safetensors or FILE.json (what fl evaluate reads).")
    Path model;

    @Override
    public Integer call() throws Exception {
      boolean safetensors = model != null && ModelFile.Format.of(model, "--model") == ModelFile.Format.SAFETENSORS;
      AggregatorApi api = connection.api();
      JsonNode run = api.json("runs/" + id);
      PrintWriter out = spec.commandLine().getOut();
      out.println(line(run.get("run")));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("run", run.get("run"));
      json.put("status", run.get("status"));
      if (workbook != null) {
        write(workbook, api.get("runs/" + id + "/metrics.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        out.println("workbook saved to " + workbook);
        json.put("workbook", workbook.toString());
      }
      if (model != null) {
        write(model, api.get("runs/" + id + "/model", safetensors ? "application/octet-stream" : "application/json"));
        out.println("model saved to " + model);
        json.put("model", model.toString());
      }
      out.println(Json.line(json));
      return Main.OK;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new IOException(file + ": no such folder " + parent);
      }
      Files.write(file, bytes);
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:the run completed", "1:the run failed or was stopped, or the aggregator could not be read",
          Main.EXIT_USAGE},
      description = "Follow one run: a line per round as it closes, until the run ends.")
  static final class WatchRun implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connection connection;

    @Parameters(paramLabel = "ID", description = "The run's id (fl runs list).")
    int id;

    @Mixin
    Interval interval;

    @Override
    public Integer call() throws Exception {
      return watch(connection.api(), id, interval.checked(), spec.commandLine().getOut());
    }
  }

  /**
   * Follows run {@code id}: asks every {@code interval}, says once that it waits while the run is queued, prints each
   * round once as it closes, then the run's line when it ends; the exit code by its outcome: {@link Main#OK} when it completed, {@link Main#FAILED} otherwise.
   */
  private static final JsonNode JSON_EMPTY = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();

  static int watch(AggregatorApi api, int id, Duration interval, PrintWriter out)
      throws IOException, InterruptedException {
    List<Integer> shown = new ArrayList<>();
    boolean queuedShown = false;
    while (true) {
      JsonNode read = api.json("runs/" + id);
      JsonNode run = read.get("run");
      String state = run.get("state").asString();
      if (state.equals("QUEUED")) {
        if (!queuedShown) {
          out.println("run " + id + " queued: waiting for the runs before it to end");
          out.flush();
          queuedShown = true;
        }
        Thread.sleep(interval);
        continue;
      }
      boolean ended = state.equals("COMPLETED") || state.equals("FAILED") || state.equals("STOPPED");
      // a run stopped before it began has no rounds to ask for
      JsonNode rounds = ended && run.get("roundsDone").asInt() == 0 ? JSON_EMPTY : api.json("runs/" + id + "/rounds");
      for (JsonNode round : rounds) {
        if ("COMPLETED".equals(round.get("state").asString()) && !shown.contains(round.get("round").asInt())
            && (ended || scoreSettled(read.get("status"), round, rounds))) {
          shown.add(round.get("round").asInt());
          out.println(String.format(Locale.ROOT, "round %d/%s  global test accuracy %s  loss %s  %d updates",
              round.get("round").asInt(), text(run.get("rounds")), pct(round.get("globalTestAccuracy")),
              round.get("globalTestLoss").isNull() ? "-"
                  : String.format(Locale.ROOT, "%.4f", round.get("globalTestLoss").asDouble()),
              round.get("participants").size()));
        }
      }
      if (ended) {
        out.println(line(run) + (run.get("message").isNull() ? "" : "  " + run.get("message").asString()));
        return state.equals("COMPLETED") ? Main.OK : Main.FAILED;
      }
      Thread.sleep(interval);
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop a run, queued or under way, with the admin token: POST /api/v1/runs/ID/stop. Prints the "
          + "stopped run's line.")
  static final class StopRun implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminConnection connection;

    @Parameters(paramLabel = "ID", description = "The run's id (fl runs list).")
    int id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is stopped, sent with the request.")
    String reason;

    @Override
    public Integer call() throws Exception {
      JsonNode run = connection.api().post("runs/" + id + "/stop", reason == null ? Map.of()
          : Map.of("reason", reason)).body();
      spec.commandLine().getOut().println(line(run));
      return Main.OK;
    }
  }
}
