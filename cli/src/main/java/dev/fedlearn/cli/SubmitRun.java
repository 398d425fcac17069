package dev.fedlearn.cli;

import dev.fedlearn.federation.strategy.Strategies;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code fl runs submit}: asks a running aggregator for a new run ({@code POST /api/v1/runs}, with its admin token).
 * It takes {@code simulate}'s training and strategy options ({@link TrainingOptions}, {@link AggregationOptions}) and
 * sends only those given, so that the others take the federation's values; prints whether the run is queued or
 * started, and with {@code --watch} follows it as {@code fl runs watch} does.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, modelTransformer = SubmitRun.FederationValues.class,
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:the run was queued or started; with --watch, it completed",
        "1:the aggregator refused the run or could not be reached; with --watch, the run failed or was stopped",
        Main.EXIT_USAGE},
    description = "Submit a run to a running aggregator, with its admin token: the training and strategy options of "
        + "fl simulate, of which only those given are sent; one left out takes the federation's own value. Prints "
        + "'run N queued' or 'run N started' and where the run is; with --watch, then follows it as fl runs watch "
        + "does.")
final class SubmitRun implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  RunsCommand.AdminConnection connection;

  @Mixin
  TrainingOptions training;

  @Mixin
  AggregationOptions aggregation;

  @Option(names = "--clients", paramLabel = "N", description = "Clients that take part in the run.")
  Integer clients;

  @Option(names = "--sites", paramLabel = "ID[,ID...]", split = ",",
      description = "The sites (client ids) that take part; the others sit the run out (GET /api/v1/sites lists the "
          + "federation's).")
  java.util.List<String> sites;

  @Option(names = "--watch", description = "Then follow the run round by round and exit by its outcome, as fl runs "
      + "watch does.")
  boolean watch;

  @Mixin
  RunsCommand.Interval interval;

  /**
   * Takes the defaults out of the options of {@link TrainingOptions} and {@link AggregationOptions}, values and help:
   * they are {@code simulate}'s, and an option left out here takes the federation's value instead.
   */
  static final class FederationValues implements IModelTransformer {
    private static final Pattern DEFAULT = Pattern.compile("\\s*\\(default: [^)]*\\)");

    @Override
    public CommandSpec transform(CommandSpec spec) {
      for (String mixin : List.of("training", "aggregation")) {
        for (OptionSpec option : spec.mixins().get(mixin).options()) {
          spec.remove(option);
          spec.addOption(option.toBuilder().defaultValue(null).description(Arrays.stream(option.description())
              .map(line -> DEFAULT.matcher(line).replaceAll("")).toArray(String[]::new)).build());
        }
      }
      return spec;
    }
  }

  @Override
  public Integer call() throws Exception {
    ParseResult given = spec.commandLine().getParseResult();
    if (given.hasMatchedOption("--interval") && !watch) {
      throw new IllegalArgumentException("--interval goes with --watch");
    }
    Duration every = interval.checked(); // refused before the run is submitted, not after
    AggregatorApi api = connection.api();
    AggregatorApi.Answer answer = api.post("runs", body(given));
    JsonNode run = answer.body();
    int id = run.get("id").asInt();
    spec.commandLine().getOut().println(String.format(Locale.ROOT, "run %d %s%s", id,
        "QUEUED".equals(run.path("state").asString("")) ? "queued" : "started",
        answer.location() == null ? "" : ": " + answer.location()));
    return watch ? RunsCommand.watch(api, id, every, spec.commandLine().getOut()) : Main.OK;
  }

  /**
   * The body of {@code POST /api/v1/runs}: a field for each option given, in the order of the API's run request, and
   * none for the others.
   */
  Map<String, Object> body(ParseResult given) {
    Map<String, Object> body = copy(given, new LinkedHashMap<>(), "--rounds", "rounds", "--clients", "clients",
        "--epochs", "localEpochs", "--batch-size", "batchSize", "--learning-rate", "learningRate", "--momentum",
        "momentum", "--l2", "l2", "--seed", "seed", "--preset", "preset", "--layers", "layers");
    Map<String, Object> strategy = copy(given, new LinkedHashMap<>(), "--strategy", "name");
    if (given.hasMatchedOption("--strategy-param")) {
      try {
        strategy.put("parameters", Strategies.parse(String.join(",", aggregation.strategyParams)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--strategy-param: " + e.getMessage(), e);
      }
    }
    if (!strategy.isEmpty()) {
      body.put("strategy", strategy);
    }
    copy(given, body, "--fraction", "fractionFit", "--min-clients", "minFitClients");
    Map<String, Object> privacy = copy(given, new LinkedHashMap<>(), "--dp-clip", "clip", "--dp-noise", "noise",
        "--dp-delta", "delta");
    if (!privacy.isEmpty()) {
      body.put("privacy", privacy);
    }
    if (given.hasMatchedOption("--secagg-bound") && !aggregation.secureAggregation) {
      throw new IllegalArgumentException("--secagg-bound needs --secure-aggregation");
    }
    if (aggregation.secureAggregation) {
      body.put("secureAggregation", copy(given, new LinkedHashMap<>(), "--secagg-bound", "bound"));
    }
    copy(given, body, "--sites", "sites");
    return body;
  }

  /**
   * Puts into {@code fields}, for each pair of an option's name and a field's name in {@code names}, the option's
   * value under the field's name when the option was given; returns {@code fields}.
   */
  private static Map<String, Object> copy(ParseResult given, Map<String, Object> fields, String... names) {
    for (int i = 0; i < names.length; i += 2) {
      OptionSpec option = given.matchedOption(names[i]);
      if (option != null) {
        fields.put(names[i + 1], option.getValue());
      }
    }
    return fields;
  }
}
