package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.data.DataException;
import dev.fedlearn.data.Dataset;
import dev.fedlearn.data.Features;
import dev.fedlearn.data.LocalSplit;
import dev.fedlearn.data.Partitioner;
import dev.fedlearn.fl.FedAvg;
import dev.fedlearn.fl.Simulation;
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
        + "shards), FedAvg, scored each round on the 10,000-image MNIST test set and on every client's local test "
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

  @Override
  public Integer call() throws Exception {
    training.apply();
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
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
    Features test = data.test().features(offset);
    Model initial = Model.initialise(training.layerSizes(), config.preset(), config.seed());
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "simulating %d clients (%s train samples), %d rounds of %d epochs, batch %d, preset %s, "
        + "kernel %s, %d threads%n", sites.size(),
        sites.stream().map(s -> Integer.toString(s.train().size())).collect(Collectors.joining("/")), rounds,
        config.epochs(), config.batchSize(), config.preset(), Kernels.create().name(), training.threads);
    long start = System.nanoTime();
    List<Simulation.Round> history = new ArrayList<>();
    Model last = new Simulation(config, new FedAvg(), training.threads).run(initial, sites, test, rounds, r -> {
      history.add(r);
      out.printf(Locale.ROOT, "round %d/%d  global test accuracy %.2f%%  loss %.4f  |  %s  (%.1f s)%n", r.round(),
          rounds, 100 * r.globalTestAccuracy(), r.globalTestLoss(), r.sites().stream()
              .map(s -> String.format(Locale.ROOT, "%s %.2f%%", s.clientId(), 100 * s.testAccuracy()))
              .collect(Collectors.joining("  ")), r.seconds());
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!last.isFinite()) {
      throw new IllegalStateException("training diverged (non-finite weights): lower --learning-rate");
    }
    Simulation.Round fin = history.get(history.size() - 1);
    long trained = (long) sites.stream().mapToInt(s -> s.train().size()).sum() * config.epochs() * rounds;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("clients", sites.size());
    json.put("rounds", rounds);
    json.put("epochs", config.epochs());
    json.put("batchSize", config.batchSize());
    json.put("preset", config.preset().id());
    json.put("seed", config.seed());
    json.put("seconds", Json.round(seconds, 3));
    json.put("samplesPerSecond", Math.round(trained / seconds));
    json.put("globalTestAccuracy", Json.round(fin.globalTestAccuracy(), 6));
    json.put("globalTestLoss", Json.round(fin.globalTestLoss(), 6));
    json.put("meanClientTestAccuracy", Json.round(fin.sites().stream()
        .mapToDouble(Simulation.SiteRound::testAccuracy).average().orElse(0), 6));
    out.println(Json.line(json));
    return Main.OK;
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
