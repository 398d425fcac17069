package dev.fedlearn.e2e;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The engine's in-process simulation of the committed shards: what the services must reproduce exactly. */
final class Reference {
  static final Path DATA = Path.of(System.getProperty("fl.data.dir", "../data")).toAbsolutePath();

  /** The result of a simulated run. */
  record Run(Model model, List<Simulation.Round> rounds) {}

  private Reference() {}

  static Simulation.Site site(int c) throws IOException {
    String id = "client-" + c;
    Dataset shard = CsvData.readMnist(DATA.resolve("shards/" + id + ".csv.gz"));
    LocalSplit split = LocalSplit.of(shard, Defaults.TRAIN_FRACTION_VALUE, Defaults.SEED_VALUE, id);
    return new Simulation.Site(id, split.train().features(0), split.test().features(0));
  }

  static TrainingConfig config(int epochs) {
    return new TrainingConfig(epochs, 1, null, TrainingConfig.DEFAULT_MOMENTUM, null, Defaults.SEED_VALUE, Preset.DEFAULT);
  }

  static Features testSet() throws IOException {
    return Mnist.load(DATA.resolve(ImageSet.MNIST.id()), ImageSet.MNIST, Mnist.Part.TEST, null).features(0);
  }

  static Run simulate(int rounds, int epochs) throws IOException {
    return simulate(rounds, epochs, new FedAvg(), ClientSampler.ALL);
  }

  /** The same with a strategy and a client sampler. */
  static Run simulate(int rounds, int epochs, Strategy strategy, ClientSampler sampler) throws IOException {
    return simulate(rounds, epochs, strategy, sampler, null, null);
  }

  /** The same with differential privacy ({@code dp}, or null) and secure aggregation ({@code bound}, or null). */
  static Run simulate(int rounds, int epochs, Strategy strategy, ClientSampler sampler, DifferentialPrivacy.Settings dp,
      Float bound) throws IOException {
    return simulate(rounds, epochs, strategy, sampler, dp, bound, List.of(1, 2, 3, 4));
  }

  /** The same on the sites numbered {@code siteNumbers} only (client-N). */
  static Run simulate(int rounds, int epochs, Strategy strategy, ClientSampler sampler, DifferentialPrivacy.Settings dp,
      Float bound, List<Integer> siteNumbers) throws IOException {
    List<Simulation.Site> sites = new ArrayList<>();
    for (int c : siteNumbers) {
      sites.add(site(c));
    }
    Features test = testSet();
    RunDefinition definition = RunDefinition.of(rounds, sites.size(),
        new RunDefinition.Data(ImageSet.MNIST.id(), test.size()), LayerSizes.DEFAULT, config(epochs), strategy, sampler,
        dp, bound);
    List<Simulation.Round> out = new ArrayList<>();
    Model model = new Simulation(definition, 2).run(
        Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, Defaults.SEED_VALUE), sites, test, out::add);
    return new Run(model, out);
  }
}
