package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Partition;
import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.simulation.Simulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients of {@code simulate}: their shards, read or drawn, each split into its local train and test parts. Shards
 * of images are scaled by the preset; shards of a table keep their numbers, which the run standardizes.
 */
final class SimulationSites {
  private SimulationSites() {}

  /** The sites, and the schema of their table (null for images). */
  record Loaded(List<Simulation.Site> sites, TableSchema schema) {}

  /**
   * The sites: the CSV shards in {@code shards} as they are (when not null), else shards of the image dataset's
   * training set drawn by {@code partition}; each split by {@code trainFraction} (1.0: all of it trains, its test part
   * is empty).
   */
  static Loaded load(DataOptions data, ShardOptions drawing, TableOptions table, Path shards, Partition partition,
      TrainingConfig config, double trainFraction) throws IOException {
    Map<String, Path> files = shards == null ? Map.of() : files(shards);
    if (shards != null && !Tables.holdsImages(files.values().iterator().next())) {
      // The schema fl shards wrote beside the shards, as the aggregator takes it, else the one the shards make.
      Tables.Read read = Tables.read(files, table.labelColumn, Tables.readSchema(shards.resolve(Tables.SCHEMA_FILE)));
      List<Simulation.Site> sites = new ArrayList<>();
      Standardization raw = Standardization.identity(read.schema().inputs());
      for (Map.Entry<String, Dataset> shard : read.tables().entrySet()) {
        Dataset all = shard.getValue();
        Split split = split(all, trainFraction, config.seed(), shard.getKey());
        sites.add(new Simulation.Site(shard.getKey(), split.train().features(raw), split.test().features(raw),
            Standardization.Sums.of(all)));
      }
      return new Loaded(sites, read.schema());
    }
    float offset = config.preset().inputOffset();
    List<Simulation.Site> sites = new ArrayList<>();
    for (Map.Entry<String, Dataset> shard : images(data, drawing, files, partition, config.seed()).entrySet()) {
      Split split = split(shard.getValue(), trainFraction, config.seed(), shard.getKey());
      sites.add(new Simulation.Site(shard.getKey(), split.train().features(offset), split.test().features(offset)));
    }
    return new Loaded(sites, null);
  }

  private record Split(Dataset train, Dataset test) {}

  /** A shard's local split; with {@code trainFraction} 1.0 all of it trains. */
  private static Split split(Dataset all, double trainFraction, long seed, String clientId) {
    if (trainFraction == 1.0) {
      return new Split(all, all.head(0));
    }
    LocalSplit split;
    try {
      split = LocalSplit.of(all, trainFraction, seed, clientId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(clientId + "'s shard: " + e.getMessage(), e);
    }
    return new Split(split.train(), split.test());
  }

  /** The shard files of a folder by client id. */
  static Map<String, Path> files(Path shards) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (Path f : Inputs.shardFiles(shards)) {
      String clientId = f.getFileName().toString().replaceAll("\\.csv(\\.gz)?$", "");
      if (files.put(clientId, f) != null) {
        throw new DataException(shards + ": two files for " + clientId);
      }
    }
    return files;
  }

  /** Each client's shard of images, by client id: the files', else drawn from the image training set. */
  private static Map<String, Dataset> images(DataOptions data, ShardOptions drawing, Map<String, Path> files,
      Partition partition, long seed) throws IOException {
    Map<String, Dataset> result = new LinkedHashMap<>();
    if (!files.isEmpty()) {
      for (Map.Entry<String, Path> f : files.entrySet()) {
        result.put(f.getKey(), Inputs.csv(f.getValue()));
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
