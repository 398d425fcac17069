package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.data.DataException;
import dev.fedlearn.data.Dataset;
import dev.fedlearn.data.Features;
import dev.fedlearn.data.LocalSplit;
import dev.fedlearn.data.Partitioner;
import dev.fedlearn.fl.AggregationException;
import dev.fedlearn.fl.Attack;
import dev.fedlearn.fl.ClientSampler;
import dev.fedlearn.fl.Simulation;
import dev.fedlearn.fl.Strategies;
import dev.fedlearn.fl.Strategy;
import dev.fedlearn.nn.Kernels;
import dev.fedlearn.nn.Model;
import dev.fedlearn.nn.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Option(names = "--sizes", paramLabel = "N,N,...", split = ",", defaultValue = Defaults.CLIENT_SIZES,
      description = "Shard size of each client, drawn from the MNIST training set (default: ${DEFAULT-VALUE}).")
  int[] sizes;

  @Option(names = "--shards", paramLabel = "DIR",
      description = "Use the CSV shards client-N.csv[.gz] in DIR as they are, instead of drawing them (so not with "
          + "--sizes or --dirichlet).")
  Path shards;

  @Option(names = "--dirichlet", paramLabel = "ALPHA",
      description = "Draw label-skewed shards, class mix ~ Dirichlet(ALPHA); IID when absent.")
  Double alpha;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = Defaults.ROUNDS,
      description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--train-fraction", paramLabel = "F", defaultValue = Defaults.TRAIN_FRACTION,
      description = "Each client's local train share; the rest is its local test (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--strategy", paramLabel = "ID", defaultValue = Defaults.STRATEGY,
      description = "How the server combines the updates: fedavg, fedavgm, fedprox, fedadagrad, fedadam, fedyogi, "
          + "fedmedian, fedtrimmedavg, krum, multikrum (default: ${DEFAULT-VALUE}).")
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

  @Override
  public Integer call() throws Exception {
    training.apply();
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
    Strategy strategy = Strategies.create(strategyId, String.join(",", strategyParams));
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
    var given = spec.commandLine().getParseResult();
    if (shards != null && (given.hasMatchedOption("--sizes") || given.hasMatchedOption("--dirichlet"))) {
      throw new IllegalArgumentException("--shards uses the shards in " + shards + " as they are: leave out --sizes "
          + "and --dirichlet");
    }
    TrainingConfig config = training.config();
    float offset = config.preset().inputOffset();
    List<Simulation.Site> sites = new ArrayList<>();
    for (Map.Entry<String, Dataset> shard : loadShards(config.seed()).entrySet()) {
      LocalSplit split = LocalSplit.of(shard.getValue(), trainFraction, config.seed(), shard.getKey());
      sites.add(new Simulation.Site(shard.getKey(), split.train().features(offset), split.test().features(offset)));
    }
    if (byzantine > sites.size()) {
      throw new IllegalArgumentException("--byzantine " + byzantine + ": there are only " + sites.size()
          + " clients");
    }
    Features test = data.test().features(offset);
    Model initial = Model.initialise(training.layerSizes(), config.preset(), config.seed());
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "simulating %d clients (%s train samples), %d rounds of %d epochs, batch %d, preset %s, "
        + "kernel %s, %d threads%n", sites.size(),
        sites.stream().map(s -> Integer.toString(s.train().size())).collect(Collectors.joining("/")), rounds,
        config.epochs(), config.batchSize(), config.preset(), Kernels.create().name(), training.threads);
    Simulation simulation = new Simulation(config, strategy, training.threads, sampler, byzantine, attack);
    out.printf(Locale.ROOT, "strategy %s%s, %d of %d clients a round%s%n", strategy.name(),
        strategy.parameters().isEmpty() ? "" : " " + describe(strategy.parameters()), sampler.count(sites.size()),
        sites.size(), attack.kind() == Attack.Kind.NONE ? ""
            : ", " + String.join("/", simulation.attackers(sites).stream().sorted().toList()) + " attacking ("
                + attack + ")");
    long start = System.nanoTime();
    List<Simulation.Round> history = new ArrayList<>();
    boolean everyone = sampler.count(sites.size()) == sites.size();
    Model last;
    try {
      last = simulation.run(initial, sites, test, rounds, r -> {
        history.add(r);
        out.printf(Locale.ROOT, "round %d/%d  global test accuracy %.2f%%  loss %.4f  |  %s%s  (%.1f s)%n",
            r.round(), rounds, 100 * r.globalTestAccuracy(), r.globalTestLoss(), r.sites().stream()
                .map(s -> String.format(Locale.ROOT, "%s %.2f%%%s", s.clientId(), 100 * s.testAccuracy(),
                    s.attacked() ? "!" : everyone || !s.picked() ? "" : "*"))
                .collect(Collectors.joining("  ")), everyone ? "" : "  (* trained)", r.seconds());
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
    json.put("rounds", rounds);
    json.put("epochs", config.epochs());
    json.put("batchSize", config.batchSize());
    json.put("preset", config.preset().id());
    json.put("seed", config.seed());
    json.put("strategy", strategy.name());
    json.put("strategyParameters", strategy.parameters());
    json.put("fraction", fraction);
    json.put("minClients", minClients);
    json.put("clientsPerRound", history.stream().map(Simulation.Round::picked).toList());
    json.put("byzantine", byzantine);
    json.put("attack", attack.toString());
    json.put("seconds", Json.round(seconds, 3));
    json.put("samplesPerSecond", Math.round(trained / seconds));
    json.put("globalTestAccuracy", Json.round(fin.globalTestAccuracy(), 6));
    json.put("globalTestLoss", Json.round(fin.globalTestLoss(), 6));
    json.put("meanClientTestAccuracy", Json.round(fin.sites().stream()
        .mapToDouble(Simulation.SiteRound::testAccuracy).average().orElse(0), 6));
    json.put("weightedClientTestAccuracy", Json.round(fin.clientTestAccuracy(), 6));
    json.put("weightedClientTestLoss", Json.round(fin.clientTestLoss(), 6));
    out.println(Json.line(json));
    return Main.OK;
  }

  /** {@code name=value,...} for a progress line. */
  private static String describe(Map<String, String> parameters) {
    return parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private Map<String, Dataset> loadShards(long seed) throws IOException {
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
    Sizes.check(sizes);
    Dataset train = data.train();
    List<int[]> parts = alpha == null ? Partitioner.iid(train.size(), sizes, seed)
        : Partitioner.dirichlet(train, sizes, alpha, seed);
    for (int c = 0; c < parts.size(); c++) {
      result.put(Sizes.clientId(c), train.subset(parts.get(c)));
    }
    return result;
  }
}
