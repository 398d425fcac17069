package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Partition;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.Simulation;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.data.Seeds;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.workbook.RunReport;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.workbook.Workbook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = "Run a whole federated training in one process, no network: clients from shard sizes (or CSV "
        + "shards), a strategy (FedAvg by default), scored each round on the 10,000-image MNIST test set and on every client's local test "
        + "split. The defaults are the seed's setup. The last line is JSON.")
final class SimulateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  TrainingOptions training;

  @Mixin
  ShardOptions drawing;

  @Option(names = "--out", paramLabel = "FILE.xlsx",
      description = "Also write the run as the workbook the aggregator serves (rounds, training, evaluations, "
          + "clients, settings, weights).")
  Path workbook;

  @Option(names = "--target-accuracy", paramLabel = "A",
      description = "Stop once the global test accuracy reaches A (e.g. 0.97); the JSON line gives the rounds and "
          + "seconds it took, null when --rounds ran out first.")
  Double targetAccuracy;

  @Option(names = "--shards", paramLabel = "DIR",
      description = "Use the CSV shards client-N.csv[.gz] in DIR as they are, instead of drawing them (so not with "
          + "--sizes or --dirichlet).")
  Path shards;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = Defaults.ROUNDS,
      description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--train-fraction", paramLabel = "F", defaultValue = Defaults.TRAIN_FRACTION,
      description = "Each client's local train share; the rest is its local test; 1.0: all of it trains and "
          + "clients do not score (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--strategy", paramLabel = "ID", defaultValue = Defaults.STRATEGY,
      completionCandidates = StrategiesCommand.Ids.class,
      description = "How the server combines the updates: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); "
          + "fl strategies lists what each does and its parameters.")
  String strategyId;

  @Option(names = "--strategy-param", paramLabel = "NAME=VALUE[,NAME=VALUE...]",
      description = "A parameter of the strategy, e.g. mu=0.1 or eta=0.05,beta1=0.5; repeatable. Unnamed ones "
          + "take their defaults.")
  List<String> strategyParams = new ArrayList<>();

  @Option(names = "--fraction", paramLabel = "F", defaultValue = Defaults.CLIENT_FRACTION,
      description = "Share of the clients picked to train each round, in (0, 1]: max(--min-clients, "
          + "floor(F * clients)), drawn from the seed and the round; 1.0 is every client (default: ${DEFAULT-VALUE}).")
  double fraction;

  @Option(names = "--min-clients", paramLabel = "N", defaultValue = Defaults.MIN_FIT_CLIENTS,
      description = "Least number of clients picked each round (default: ${DEFAULT-VALUE}).")
  int minClients;

  @Option(names = "--byzantine", paramLabel = "K", defaultValue = "0",
      description = "Number of attacking clients, the first ones by id (client-1, ...); needs --attack "
          + "(default: ${DEFAULT-VALUE}).")
  int byzantine;

  @Option(names = "--attack", paramLabel = "KIND", defaultValue = "none",
      description = "What the --byzantine clients send instead of their update: signflip (g - (w - g)), scale:F "
          + "(g + F (w - g)) or noise:SIGMA (w + N(0, SIGMA^2)), with g the global model and w their trained weights "
          + "(default: ${DEFAULT-VALUE}).")
  String attackText;

  @Option(names = "--dp-clip", paramLabel = "C",
      description = "Differential privacy (DP-FedAvg): clip each client's change of the model to L2 norm C; the "
          + "server adds Gaussian noise of standard deviation --dp-noise x C to the sum (with --secure-aggregation the "
          + "clients add it in shares) (default: no DP).")
  Double dpClip;

  @Option(names = "--dp-noise", paramLabel = "SIGMA", defaultValue = Defaults.DP_NOISE,
      description = "The noise multiplier of differential privacy: noise of SIGMA x C (default: ${DEFAULT-VALUE}); "
          + "needs --dp-clip.")
  double dpNoise;

  @Option(names = "--secure-aggregation",
      description = "Aggregate each round by secure aggregation (Bonawitz et al. 2017), run in process: the server's "
          + "side learns only the weighted sum; prints the protocol's time and bytes per round.")
  boolean secureAggregation;

  @Option(names = "--secagg-bound", paramLabel = "B", defaultValue = Defaults.SECAGG_BOUND,
      description = "With --secure-aggregation: clients clip every weight to [-B, B] before the fixed-point encoding "
          + "(default: ${DEFAULT-VALUE}); with DP it must leave room for their noise, at least C + 8 x SIGMA x C / "
          + "sqrt(clients a round).")
  float secAggBound;

  @Option(names = "--dp-delta", paramLabel = "DELTA", defaultValue = Defaults.DP_DELTA,
      description = "The delta at which epsilon is reported (default: ${DEFAULT-VALUE}); needs --dp-clip. Epsilon "
          + "is the most-exposed client's: the rounds it was picked for, each the Gaussian mechanism, with no "
          + "amplification by sampling (the picks follow from the public seed); with --secure-aggregation at the "
          + "noise of the threshold of clients alone.")
  double dpDelta;

  @Override
  public Integer call() throws Exception {
    training.apply();
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
    Strategy strategy = Strategies.create(strategyId, String.join(",", strategyParams));
    var given = spec.commandLine().getParseResult();
    if (dpClip == null && (given.hasMatchedOption("--dp-noise") || given.hasMatchedOption("--dp-delta"))) {
      throw new IllegalArgumentException("--dp-noise and --dp-delta need --dp-clip C, the clip norm");
    }
    DifferentialPrivacy.Settings dp;
    Strategy plain = strategy;
    try {
      dp = dpClip == null ? null : new DifferentialPrivacy.Settings(dpClip, dpNoise, dpDelta);
      if (dp != null && !secureAggregation) {
        // Noise from the run's seed: the runs are reproducible, which a private deployment must not be.
        long seed = training.config().seed();
        strategy = new DifferentialPrivacy(strategy, dp, round -> Seeds.derive(seed, Seeds.DP_NOISE, round));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dp-clip: " + e.getMessage(), e);
    }
    if (!secureAggregation && given.hasMatchedOption("--secagg-bound")) {
      throw new IllegalArgumentException("--secagg-bound needs --secure-aggregation");
    }
    SecureAggregation secure = null;
    if (secureAggregation) {
      try {
        long seed = training.config().seed();
        // With DP the clients add the noise, in shares drawn from the run's seed (reproducible, no secret).
        secure = new SecureAggregation(plain, secAggBound, dp, round -> Seeds.derive(seed, Seeds.DP_NOISE, round));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--secure-aggregation: " + e.getMessage(), e);
      }
      strategy = secure;
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("--min-clients must be at least 1, got " + minClients);
    }
    ClientSampler sampler;
    try {
      sampler = new ClientSampler(fraction, minClients);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fraction must be in (0, 1], got " + fraction, e);
    }
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
    TrainingConfig config = training.config();
    float offset = config.preset().inputOffset();
    List<Simulation.Site> sites = new ArrayList<>();
    for (Map.Entry<String, Dataset> shard : loadShards(config.seed(), partition).entrySet()) {
      Dataset all = shard.getValue();
      if (trainFraction == 1.0) {
        sites.add(new Simulation.Site(shard.getKey(), all.features(offset), all.head(0).features(offset)));
        continue;
      }
      LocalSplit split = LocalSplit.of(all, trainFraction, config.seed(), shard.getKey());
      sites.add(new Simulation.Site(shard.getKey(), split.train().features(offset), split.test().features(offset)));
    }
    boolean scored = trainFraction < 1.0;
    if (byzantine > sites.size()) {
      throw new IllegalArgumentException("--byzantine " + byzantine + ": there are only " + sites.size()
          + " clients");
    }
    if (secure != null && dp != null) {
      dp.requireUnclipped(secAggBound, sampler.count(sites.size())); // every round picks that many
    }
    Features test = data.test().features(offset);
    Model initial = Model.initialise(training.layerSizes(), config.preset(), config.seed());
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "simulating %d clients (%s; %s), %d rounds of %d epochs, batch %d, layers "
        + "%s, preset %s, kernel %s, %d threads%n", sites.size(), trainSizes(sites), shards != null ? "from "
        + shards : partition, rounds, config.epochs(), config.batchSize(), training.layerSizes(), config.preset(),
        Kernels.create().name(), training.threads);
    Simulation simulation = new Simulation(config, strategy, training.threads, sampler, byzantine, attack);
    out.printf(Locale.ROOT, "strategy %s%s, %d of %d clients a round%s%n", strategy.name(),
        strategy.parameters().isEmpty() ? "" : " " + describe(strategy.parameters()), sampler.count(sites.size()),
        sites.size(), attack.kind() == Attack.Kind.NONE ? ""
            : ", " + String.join("/", simulation.attackers(sites).stream().sorted().toList()) + " attacking ("
                + attack + ")");
    long start = System.nanoTime();
    SecureAggregation secureFinal = secure;
    List<SecureAggregation.Cost> secureCosts = new ArrayList<>();
    List<Simulation.Round> history = new ArrayList<>();
    boolean everyone = sampler.count(sites.size()) == sites.size();
    double[] secondsToTarget = {Double.NaN};
    // Each client's rounds, without amplification (the picks are public): the most-exposed client's epsilon.
    ParticipationAccountant accountant = dp == null ? null : secure == null ? dp.accountant()
        : dp.accountantUnderSecureAggregation(sampler.count(sites.size()));
    java.util.TreeMap<Integer, float[]> shownModels = new java.util.TreeMap<>(); // the Weights sheet's, for --out
    shownModels.put(0, initial.params());
    Model last;
    try {
      last = simulation.run(initial, sites, test, rounds, (r, model) -> {
        history.add(r);
        if (accountant != null) {
          accountant.record(r.picked());
        }
        if (secureFinal != null) {
          secureCosts.add(secureFinal.lastCost());
        }
        if (workbook != null && ModelRetention.keeps(r.round(), rounds)) {
          shownModels.put(r.round(), model.params());
        }
        out.printf(Locale.ROOT, "round %d/%d  global test accuracy %.2f%%  loss %.4f%s%s%s  (%.1f s)%n", r.round(),
            rounds, 100 * r.globalTestAccuracy(), r.globalTestLoss(), clientFigures(r, everyone, scored),
            accountant == null ? "" : String.format(Locale.ROOT, "  epsilon %.3g (%s, %d of %d rounds)",
                accountant.epsilon(), accountant.mostExposedClient(), accountant.maxParticipations(), r.round()),
            secureCost(secureFinal), r.seconds());
      }, r -> {
        boolean reached = targetAccuracy != null && r.globalTestAccuracy() >= targetAccuracy;
        if (reached) {
          secondsToTarget[0] = (System.nanoTime() - start) / 1e9;
        }
        return reached;
      });
    } catch (AggregationException e) {
      throw new IllegalStateException("a round could not be aggregated: " + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!last.isFinite()) {
      throw new IllegalStateException("training diverged (non-finite weights): lower --learning-rate");
    }
    Simulation.Round fin = history.get(history.size() - 1);
    long trained = 0;
    for (Simulation.Round r : history) {
      trained += (long) r.sites().stream().mapToInt(Simulation.SiteRound::trainSamples).sum() * config.epochs();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("clients", sites.size());
    json.put("trainSamples", sites.stream().map(site -> site.train().size()).toList());
    json.put("partition", shards != null ? "files:" + shards : partition.toString());
    json.put("trainFraction", trainFraction);
    json.put("rounds", rounds);
    json.put("roundsRun", history.size());
    json.put("targetAccuracy", targetAccuracy);
    json.put("roundsToTarget", Double.isNaN(secondsToTarget[0]) ? null : history.size());
    json.put("secondsToTarget", Double.isNaN(secondsToTarget[0]) ? null : Json.round(secondsToTarget[0], 3));
    json.put("layers", training.layerSizes().toString());
    json.put("epochs", config.epochs());
    json.put("batchSize", config.batchSize());
    json.put("learningRates", config.learningRates(training.layerSizes().depth()));
    json.put("momentum", config.momentum());
    json.put("l2", config.effectiveL2());
    json.put("preset", config.preset().id());
    json.put("seed", config.seed());
    json.put("strategy", strategy.name());
    json.put("strategyParameters", strategy.parameters());
    json.put("fraction", fraction);
    json.put("minClients", minClients);
    json.put("clientsPerRound", history.stream().map(Simulation.Round::picked).toList());
    json.put("dpClip", dp == null ? null : dp.clip());
    json.put("dpNoise", dp == null ? null : dp.noise());
    json.put("dpDelta", dp == null ? null : dp.delta());
    json.put("dpAccountedNoise", accountant == null ? null : accountant.noiseMultiplier());
    // The most-exposed client's; null: no DP, or no noise.
    double epsilon = accountant == null ? Double.NaN : accountant.epsilon();
    json.put("epsilon", Double.isFinite(epsilon) ? Json.round(epsilon, 6) : null);
    json.put("maxParticipations", accountant == null ? null : accountant.maxParticipations());
    json.put("mostExposedClient", accountant == null ? null : accountant.mostExposedClient());
    json.put("secureAggregation", secureAggregation);
    if (!secureCosts.isEmpty()) { // the protocol's mean cost per round: time, and bytes per client
      Map<String, Object> cost = new LinkedHashMap<>();
      cost.put("bound", secAggBound);
      cost.put("millisPerRound", Json.round(1e3 * secureCosts.stream().mapToDouble(SecureAggregation.Cost::seconds)
          .average().orElseThrow(), 1));
      cost.put("bytesUpPerClient", Math.round(secureCosts.stream().mapToDouble(c -> (double) c.bytesUp()
          / c.parties()).average().orElseThrow()));
      cost.put("bytesDownPerClient", Math.round(secureCosts.stream().mapToDouble(c -> (double) c.bytesDown()
          / c.parties()).average().orElseThrow()));
      json.put("secAgg", cost);
    }
    json.put("byzantine", byzantine);
    json.put("attack", attack.toString());
    json.put("seconds", Json.round(seconds, 3));
    json.put("samplesPerSecond", Math.round(trained / seconds));
    json.put("globalTestAccuracy", Json.round(fin.globalTestAccuracy(), 6));
    json.put("globalTestLoss", Json.round(fin.globalTestLoss(), 6));
    json.put("meanClientTestAccuracy", scored ? Json.round(fin.sites().stream()
        .mapToDouble(Simulation.SiteRound::testAccuracy).average().orElse(0), 6) : null);
    json.put("weightedClientTestAccuracy", scored ? Json.round(fin.clientTestAccuracy(), 6) : null);
    json.put("weightedClientTestLoss", scored ? Json.round(fin.clientTestLoss(), 6) : null);
    if (workbook != null) {
      shownModels.put(history.size(), last.params());
      saveWorkbook(json, sites, history, shownModels, test, initial, r -> {
        double e = accountant == null ? Double.NaN : accountant.spentAfterRound(r).epsilon();
        return Double.isFinite(e) ? e : null;
      });
      json.put("workbook", workbook.toString());
    }
    out.println(Json.line(json));
    return Main.OK;
  }

  /** The run as the aggregator's workbook: the JSON line's settings, every round, the models the Weights sheet shows. */
  private void saveWorkbook(Map<String, Object> json, List<Simulation.Site> sites, List<Simulation.Round> history,
      java.util.SortedMap<Integer, float[]> models, Features test, Model initial,
      java.util.function.IntFunction<Double> epsilon) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    json.forEach((k, v) -> {
      if (!k.equals("clientsPerRound") && !k.equals("trainSamples")) {
        settings.put(k, v instanceof float[] f ? java.util.Arrays.toString(f) : String.valueOf(v));
      }
    });
    boolean scored = trainFraction < 1.0;
    List<RunReport.Round> rounds = new ArrayList<>();
    for (Simulation.Round r : history) {
      List<RunReport.Training> trained = new ArrayList<>();
      List<RunReport.Evaluation> scores = new ArrayList<>();
      for (Simulation.SiteRound s : r.sites()) {
        if (s.picked()) {
          trained.add(new RunReport.Training(s.clientId(), s.trainSamples(), s.trainLoss(), s.trainAccuracy(), null,
              s.epochs().stream().map(e -> new RunReport.Epoch(e.epoch(), e.loss(), e.accuracy())).toList()));
        }
        if (s.testSamples() > 0) {
          scores.add(new RunReport.Evaluation(s.clientId(), s.testSamples(), s.testLoss(), s.testAccuracy(), null));
        }
      }
      rounds.add(new RunReport.Round(r.round(), r.picked(), r.picked(), r.globalTestAccuracy(), r.globalTestLoss(),
          scored ? r.clientTestAccuracy() : null, r.seconds(), null, null, trained, scores, epsilon.apply(r.round())));
    }
    Evaluation first = Evaluator.evaluate(initial, test, training.threads);
    String state = (history.size() < this.rounds ? "stopped at the target accuracy" : "COMPLETED") + " after "
        + history.size() + " of " + this.rounds + " rounds";
    List<RunReport.Client> clients = sites.stream().map(s -> new RunReport.Client(s.id(), s.train().size(),
        s.test().size(), null)).toList();
    try (var file = java.nio.file.Files.newOutputStream(workbook)) {
      Workbook.write(new RunReport(settings, state, clients, rounds, first.accuracy(), first.loss(),
          initial.sizes(), models, history.size(), List.of()), file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new DataException(workbook + ": no such folder for the workbook", e);
    }
  }

  /** Up to this many clients, a round's line names each; beyond, it gives the spread of their scores. */
  static final int NAMED_CLIENTS = 8;

  /**
   * The clients' part of a round's line: each client's score of the new model (marked * when it trained, ! when it
   * attacked) for a few clients; for more, the minimum, median and maximum score and how many trained.
   */
  private static String clientFigures(Simulation.Round r, boolean everyone, boolean scored) {
    long trained = r.sites().stream().filter(Simulation.SiteRound::picked).count();
    long attacked = r.sites().stream().filter(Simulation.SiteRound::attacked).count();
    if (!scored) {
      return String.format(Locale.ROOT, "  |  %d of %d clients trained%s", trained, r.sites().size(),
          attacked == 0 ? "" : ", " + attacked + " attacking");
    }
    if (r.sites().size() <= NAMED_CLIENTS) {
      return "  |  " + r.sites().stream().map(s -> String.format(Locale.ROOT, "%s %.2f%%%s", s.clientId(),
          100 * s.testAccuracy(), s.attacked() ? "!" : everyone || !s.picked() ? "" : "*"))
          .collect(Collectors.joining("  ")) + (everyone ? "" : "  (* trained)");
    }
    double[] acc = r.sites().stream().mapToDouble(Simulation.SiteRound::testAccuracy).sorted().toArray();
    int n = acc.length;
    double median = n % 2 == 1 ? acc[n / 2] : (acc[n / 2 - 1] + acc[n / 2]) / 2;
    return String.format(Locale.ROOT, "  |  clients' test accuracy min %.2f%% median %.2f%% max %.2f%%, %d of %d "
        + "trained%s", 100 * acc[0], 100 * median, 100 * acc[n - 1], trained, n,
        attacked == 0 ? "" : ", " + attacked + " attacking");
  }

  /** The clients' train sizes: each for a few clients, else the total and the range. */
  private static String trainSizes(List<Simulation.Site> sites) {
    if (sites.size() <= NAMED_CLIENTS) {
      return sites.stream().map(s -> Integer.toString(s.train().size())).collect(Collectors.joining("/"))
          + " train samples";
    }
    IntSummaryStatistics st = sites.stream().mapToInt(s -> s.train().size()).summaryStatistics();
    return st.getSum() + " train samples, " + (st.getMin() == st.getMax() ? st.getMin() : st.getMin() + " to "
        + st.getMax()) + " each";
  }

  /** {@code name=value,...} for a progress line. */
  private static String describe(Map<String, String> parameters) {
    return parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private Map<String, Dataset> loadShards(long seed, Partition partition) throws IOException {
    Map<String, Dataset> result = new LinkedHashMap<>();
    if (shards != null) {
      for (Path f : Inputs.shardFiles(shards)) {
        String clientId = f.getFileName().toString().replaceAll("\\.csv(\\.gz)?$", "");
        if (result.put(clientId, Inputs.csv(f)) != null) {
          throw new DataException(shards + ": two files for " + clientId);
        }
      }
      return result;
    }
    Dataset train = data.train();
    List<int[]> parts = drawing.draw(train, partition, seed);
    for (int c = 0; c < parts.size(); c++) {
      result.put(Sizes.clientId(c), train.subset(parts.get(c)));
    }
    return result;
  }

  /** The secure aggregation protocol's cost in the round just aggregated, or nothing without it. */
  private static String secureCost(SecureAggregation secure) {
    if (secure == null || secure.lastCost() == null) {
      return "";
    }
    SecureAggregation.Cost c = secure.lastCost();
    return String.format(Locale.ROOT, "  secagg %d clients (t=%d) %.0f ms, %.1f kB up / %.1f kB down", c.parties(),
        c.threshold(), 1e3 * c.seconds(), c.bytesUp() / 1e3, c.bytesDown() / 1e3);
  }
}
