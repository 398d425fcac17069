package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Partition;
import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.TrainingPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code fl simulate}: checks its options, loads the clients' shards, builds the run's {@link RunDefinition}, runs it
 * in process printing a line per round ({@link ProgressLines}, {@link SimulationRun}), and ends with the JSON line
 * ({@link RunSummary}); with {@code --out}, also writes the workbook ({@link WorkbookExport}), and with
 * {@code --save-model} the final global model ({@link ModelFile}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = "Run a whole federated training in one process, no network: clients from shard sizes (or CSV "
        + "shards of images or of any table), a strategy (FedAvg by default), scored each round on the server's test "
        + "set (the 10,000 test images of MNIST, or of --dataset's; --test-csv for a table, or for a table without it "
        + "every client's test split together) and on every client's local test split. A table's inputs are "
        + "standardized with the mean and deviation of all the clients' rows, from their column sums. The defaults are "
        + "the seed's setup. The last line is JSON.")
final class SimulateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  TrainingOptions training;

  @Mixin
  ComputeOptions compute;

  @Mixin
  ShardOptions drawing;

  @Mixin
  TableOptions table;

  @Option(names = "--test-csv", paramLabel = "FILE",
      description = "With --shards of a table: the server's test set, a CSV with the shards' columns (default: none; "
          + "the global model is scored on the clients' test splits).")
  Path testCsv;

  @Mixin
  AggregationOptions aggregation;

  @Mixin
  AsyncOptions async;

  @Option(names = "--out", paramLabel = "FILE.xlsx",
      description = "Also write the run as the workbook the aggregator serves (rounds, training, evaluations, "
          + "clients, settings, weights).")
  Path workbook;

  @Option(names = "--save-model", paramLabel = "FILE",
      description = "Also write the final global model as the aggregator serves it at GET /api/v1/model: "
          + "FILE.safetensors (its binary form) or FILE.json (its JSON), for fl evaluate and fl predict.")
  Path saveModel;

  @Option(names = "--target-accuracy", paramLabel = "A",
      description = "Stop once the global test accuracy reaches A (e.g. 0.97); the JSON line gives the rounds and "
          + "seconds it took, null when --rounds ran out first.")
  Double targetAccuracy;

  @Option(names = "--shards", paramLabel = "DIR",
      description = "Use the CSV shards client-N.csv[.gz] in DIR as they are, instead of drawing them (so not with "
          + "--sizes or --dirichlet).")
  Path shards;

  @Option(names = "--train-fraction", paramLabel = "F", defaultValue = Defaults.TRAIN_FRACTION,
      description = "Each client's local train share; the rest is its local test; 1.0: all of it trains and "
          + "clients do not score (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--byzantine", paramLabel = "K", defaultValue = "0",
      description = "Number of attacking clients, the first ones by id (client-1, ...); needs --attack "
          + "(default: ${DEFAULT-VALUE}).")
  int byzantine;

  @Option(names = "--attack", paramLabel = "KIND", defaultValue = "none",
      description = "What the --byzantine clients send instead of their update: signflip (g - (w - g)), scale:F "
          + "(g + F (w - g)) or noise:SIGMA (w + N(0, SIGMA^2)), with g the global model and w their trained weights "
          + "(default: ${DEFAULT-VALUE}).")
  String attackText;

  @Option(names = "--personalize-epochs", paramLabel = "F", defaultValue = "0",
      description = "After the run, every site fine-tunes the final global model for F epochs on its own training "
          + "split and scores both models on its test split (0: no personalization; default: ${DEFAULT-VALUE}).")
  int personalizeEpochs;

  @Option(names = "--cross-site",
      description = "After the run, every site scores the final global model and every site's last local model on "
          + "its own test split, and prints the matrix (cross-site evaluation; not with secure aggregation or DP, "
          + "which keep the local models from anyone).")
  boolean crossSite;

  @Override
  public Integer call() throws Exception {
    // The options.
    compute.apply();
    ParseResult given = spec.commandLine().getParseResult();
    int rounds = aggregation.rounds;
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
    if (personalizeEpochs < 0) {
      throw new IllegalArgumentException("--personalize-epochs must be 0 (none) or more, got " + personalizeEpochs);
    }
    if (saveModel != null) {
      ModelFile.checkTarget(saveModel, "--save-model"); // refused before the run, not after
    }
    if (shards != null) {
      data.follow(shards, given); // shards of images are scored on their own dataset's test set
    }
    AggregationOptions.Checked chosen = aggregation.check(given);
    Attack attack = attack();
    Partition partition = partition(given);
    TrainingConfig config = training.config();
    // The clients, then the run they make.
    SimulationSites.Loaded loaded = SimulationSites.load(data, drawing, table, shards, partition, config,
        trainFraction);
    List<Simulation.Site> sites = loaded.sites();
    TableSchema schema = loaded.schema();
    if (byzantine > sites.size()) {
      throw new IllegalArgumentException("--byzantine " + byzantine + ": there are only " + sites.size()
          + " clients");
    }
    chosen.requireRoomForTheNoise(sites.size());
    Features test = serverTest(schema, config);
    if (test == null && trainFraction == 1.0) {
      throw new IllegalArgumentException("--train-fraction 1.0 leaves the clients no test split, and a table without "
          + "--test-csv has no other: nothing would score the model");
    }
    RunDefinition run = chosen.definition(rounds, sites.size(), schema == null
        ? new RunDefinition.Data(data.dataset.id(), test.size())
        : new RunDefinition.Data("csv", test == null ? 0 : test.size(), schema),
        schema == null ? training.layerSizes() : training.layerSizes(schema.inputs(), schema.outputs()), config)
        .withAsynchrony(async.asynchrony(sites.size(), given));
    List<Double> speeds = async.speeds(sites.size());
    // The run, a line each round.
    Model initial = Model.initialise(run.layerSizes(), config.preset(), config.seed());
    PrintWriter out = spec.commandLine().getOut();
    out.println(ProgressLines.run(sites, shards != null ? "from " + shards : partition.toString(), rounds, config,
        run.layerSizes(), compute.threads));
    if (crossSite && (run.secureAggregation() != null || run.privacy() != null)) {
      throw new IllegalArgumentException("--cross-site shows each site's local model to the others, which secure "
          + "aggregation and differential privacy exist to prevent: not with them");
    }
    Simulation simulation = new Simulation(run, compute.threads, byzantine, attack);
    if (crossSite) {
      simulation.keepingLocalModels();
    }
    if (speeds != null) {
      simulation.withClientSpeeds(speeds);
    }
    int picked = run.sampling().count(sites.size());
    out.println(ProgressLines.strategy(run, picked, sites.size(), attack, simulation.attackers(sites)));
    SimulationRun result = new SimulationRun(rounds, targetAccuracy, run.secureAggregation() != null, run.privacy(),
        picked, sites.size(), trainFraction < 1.0, run.data().testSamples() == 0, workbook != null, out)
        .showingSimulatedTime(speeds != null || run.asynchrony() != null);
    Model last = result.run(simulation, initial, sites, test);
    // The workbook and the model, then the JSON line.
    Map<String, Object> json = RunSummary.json(run, sites, shards != null ? "files:" + shards
        : partition.toString(), trainFraction, targetAccuracy, byzantine, attack, result);
    if (crossSite) {
      json.putAll(CrossSite.run(simulation.sites(), last, simulation.localModels(), compute.threads, out));
    }
    if (personalizeEpochs > 0) {
      json.putAll(PersonalizedSites.run(simulation.sites(), last, run.trainingConfig(), rounds, personalizeEpochs,
          compute.threads, out));
    }
    if (workbook != null) {
      WorkbookExport.write(workbook, json, sites, result, simulation.scoredOn(), initial, rounds, trainFraction < 1.0,
          compute.threads);
      json.put("workbook", workbook.toString());
    }
    if (saveModel != null) {
      // The model as the aggregator serves it once the run is over, with the plan its clients were given.
      ModelFile.write(saveModel, GlobalModel.of(result.history().size(), rounds, RunState.COMPLETED, last,
          TrainingPlan.of(run.trainingConfig(), run.plainStrategy().proximalMu(), run.secureAggregation() != null,
              run.isPrivate()).withTable(simulation.table())), "--save-model");
      json.put("model", saveModel.toString());
    }
    out.println(Json.line(json));
    return Main.OK;
  }

  /**
   * The server's test set: the image dataset's ({@code --dataset}) for images; for a table {@code --test-csv} read
   * against the shards' schema (its numbers as read: the run standardizes them), or null without it.
   */
  private Features serverTest(TableSchema schema, TrainingConfig config) throws java.io.IOException {
    if (schema == null) {
      if (testCsv != null) {
        throw new IllegalArgumentException("--test-csv is a table's test set: the shards hold images, scored on "
            + data.dataset.title() + "'s test set");
      }
      return data.test().features(config.preset().inputOffset());
    }
    if (testCsv == null) {
      return null;
    }
    Dataset rows = Tables.read(java.util.Map.of(testCsv.toString(), testCsv), schema.label(), schema).tables()
        .get(testCsv.toString());
    return rows.features(Standardization.identity(schema.inputs()));
  }

  /** {@code --attack} and {@code --byzantine}, checked together. */
  private Attack attack() {
    Attack attack;
    try {
      attack = Attack.parse(attackText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--attack: " + e.getMessage(), e);
    }
    if (byzantine < 0) {
      throw new IllegalArgumentException("--byzantine must be 0 or more, got " + byzantine);
    }
    if ((byzantine > 0) != (attack.kind() != Attack.Kind.NONE)) {
      throw new IllegalArgumentException(byzantine > 0 ? "--byzantine " + byzantine + " needs --attack KIND"
          : "--attack " + attack + " needs --byzantine K, the number of attacking clients");
    }
    return attack;
  }

  /**
   * How the shards are drawn, checked against {@code --shards}; then {@code --target-accuracy} and
   * {@code --train-fraction} are checked.
   */
  private Partition partition(ParseResult given) {
    if (shards != null) {
      for (String name : ShardOptions.NAMES) {
        if (given.hasMatchedOption(name)) {
          throw new IllegalArgumentException("--shards uses the shards in " + shards + " as they are: leave out "
              + name);
        }
      }
    }
    Partition partition = drawing.partition(given);
    if (targetAccuracy != null && !(targetAccuracy > 0 && targetAccuracy <= 1)) {
      throw new IllegalArgumentException("--target-accuracy must be in (0, 1], got " + targetAccuracy);
    }
    if (!(trainFraction > 0 && trainFraction <= 1)) {
      throw new IllegalArgumentException("--train-fraction must be in (0, 1], got " + trainFraction);
    }
    return partition;
  }
}
