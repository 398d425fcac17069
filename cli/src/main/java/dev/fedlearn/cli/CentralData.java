package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.protocol.TrainingPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What {@code fl train} trains and scores on, as network inputs: an image dataset (MNIST or Fashion-MNIST), a CSV
 * (of images or a table, scored on {@code --test-csv}), or the local splits of shards as {@code fl simulate} splits
 * them (all the clients' train splits together, or one client's, scored on every client's test split). A table is
 * standardized as a federated run does it: by the column sums of the shards' rows (of the training file's without
 * shards).
 *
 * @param train the inputs trained on
 * @param test the inputs scored on
 * @param siteTest with {@code --site}, that client's own test split; else null
 * @param table the table and its standardization; null for images
 * @param source what was trained on, for the output
 */
record CentralData(Features train, Features test, Features siteTest, TrainingPlan.Table table, String source) {

  static CentralData of(DataOptions data, TableOptions tables, Path csv, Path testCsv, Path shards, String site,
      double trainFraction, Integer samples, TrainingConfig config) throws IOException {
    if (site != null && shards == null) {
      throw new IllegalArgumentException("--site names one client of --shards DIR");
    }
    if (shards != null) {
      if (csv != null || testCsv != null || samples != null) {
        throw new IllegalArgumentException("--shards trains on the shards' train splits and scores on their test "
            + "splits: leave out --csv, --test-csv and --samples");
      }
      return shards(data, tables, shards, site, trainFraction, config);
    }
    if (csv != null && !Tables.holdsImages(csv)) {
      return table(tables, csv, testCsv, samples);
    }
    float offset = config.preset().inputOffset();
    Dataset train = head(csv != null ? Inputs.csv(csv) : data.train(), samples);
    Dataset test = testCsv != null ? Inputs.csv(testCsv) : data.test();
    return new CentralData(train.features(offset), test.features(offset), null, null,
        csv != null ? csv.toString() : data.dataset.id());
  }

  private static CentralData table(TableOptions tables, Path csv, Path testCsv, Integer samples) throws IOException {
    if (testCsv == null) {
      throw new IllegalArgumentException("a table trains with --test-csv FILE to score on (or --shards DIR)");
    }
    Tables.Read read = Tables.read(csv, tables.labelColumn);
    TableSchema schema = read.schema();
    Dataset train = head(read.tables().get(csv.toString()), samples);
    Dataset test = Tables.read(Map.of(testCsv.toString(), testCsv), schema.label(), schema).tables()
        .get(testCsv.toString());
    Standardization s = Standardization.of(List.of(Standardization.Sums.of(train)));
    return new CentralData(train.features(s), test.features(s), null, new TrainingPlan.Table(schema, s),
        csv.toString());
  }

  private static CentralData shards(DataOptions data, TableOptions tables, Path shards, String site,
      double trainFraction, TrainingConfig config) throws IOException {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("--train-fraction must be in (0, 1) with --shards, got " + trainFraction);
    }
    SimulationSites.Loaded loaded = SimulationSites.load(data, null, tables, shards, null, config, trainFraction);
    List<Simulation.Site> sites = loaded.sites();
    TrainingPlan.Table table = null;
    if (loaded.schema() != null) { // as the run's plan standardizes: by every shard's sums, in the order of the ids
      Standardization s = Standardization.of(sites.stream().sorted(Comparator.comparing(Simulation.Site::id))
          .map(Simulation.Site::sums).toList());
      table = new TrainingPlan.Table(loaded.schema(), s);
      sites = sites.stream().map(x -> x.standardized(s)).toList();
    }
    Features test = Features.concatenate(sites.stream().map(Simulation.Site::test).toList());
    if (site == null) {
      return new CentralData(Features.concatenate(sites.stream().map(Simulation.Site::train).toList()), test, null,
          table, shards + " (every client's train split)");
    }
    Simulation.Site one = sites.stream().filter(x -> x.id().equals(site)).findFirst().orElseThrow(() ->
        new DataException(shards + ": no shard of --site " + site + "; the clients are "
            + loaded.sites().stream().map(Simulation.Site::id).toList()));
    return new CentralData(one.train(), test, one.test(), table, shards + " (" + site + "'s train split)");
  }


  private static Dataset head(Dataset set, Integer samples) {
    if (samples == null) {
      return set;
    }
    if (samples < 1 || samples > set.size()) {
      throw new IllegalArgumentException("--samples must be between 1 and " + set.size() + ", got " + samples);
    }
    return set.head(samples);
  }

  /** The network's ends: the table's columns and classes, else the images' 784 pixels and 10 classes. */
  int inputs() {
    return train.dim();
  }

  int outputs() {
    return train.classes();
  }
}
