package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Partition;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.simulation.Simulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The clients of {@code simulate}: their shards, read or drawn, each split into its local train and test parts. */
final class SimulationSites {
  private SimulationSites() {}

  /**
   * The sites: the CSV shards in {@code shards} as they are (when not null), else shards of MNIST's training set
   * drawn by {@code partition}; each split by {@code trainFraction} (1.0: all of it trains, its test part is empty),
   * scaled by the preset.
   */
  static List<Simulation.Site> load(DataOptions data, ShardOptions drawing, Path shards, Partition partition,
      TrainingConfig config, double trainFraction) throws IOException {
    float offset = config.preset().inputOffset();
    List<Simulation.Site> sites = new ArrayList<>();
    for (Map.Entry<String, Dataset> shard : shards(data, drawing, shards, partition, config.seed()).entrySet()) {
      Dataset all = shard.getValue();
      if (trainFraction == 1.0) {
        sites.add(new Simulation.Site(shard.getKey(), all.features(offset), all.head(0).features(offset)));
        continue;
      }
      LocalSplit split = LocalSplit.of(all, trainFraction, config.seed(), shard.getKey());
      sites.add(new Simulation.Site(shard.getKey(), split.train().features(offset), split.test().features(offset)));
    }
    return sites;
  }

  /** Each client's shard, by client id. */
  private static Map<String, Dataset> shards(DataOptions data, ShardOptions drawing, Path shards, Partition partition,
      long seed) throws IOException {
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
}
