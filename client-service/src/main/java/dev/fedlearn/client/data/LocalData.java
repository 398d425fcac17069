package dev.fedlearn.client.data;

import dev.fedlearn.Defaults;
import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.CsvTable;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.TrainingPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The client's own data: its shard, read and checked once at startup, and its split into local train and local test.
 * A shard holds MNIST images (the header {@code label,p0,...,p783}) or any table ({@code FL_LABEL_COLUMN} names its
 * label; every other column a number). A table is taken against the run's schema, which the plan carries, before
 * the client registers ({@link #registration}); its inputs are standardized as the plan says. The split is drawn from
 * the run's seed (or from {@code FL_SPLIT_SEED} when that is set), so the services split exactly as
 * {@code fl simulate} does with the same seed. The network inputs of both splits are computed once per seed and
 * scaling and kept.
 */
@Component
public final class LocalData {
  private static final Logger log = LoggerFactory.getLogger(LocalData.class);

  private final Path shard;
  private final String clientId;
  private final Dataset images; // a shard of images, else null
  private final CsvTable.Rows rows; // a table as read, else null
  private final double trainFraction;
  private final Long splitSeed;
  private final int size;
  private final int trainSize;
  private final ConcurrentMap<Key, SplitFeatures> features = new ConcurrentHashMap<>();

  /** Both splits as network inputs. */
  public record SplitFeatures(Features train, Features test) {}

  private record Key(long seed, float inputOffset, TrainingPlan.Table table) {}

  @Autowired
  public LocalData(ClientProperties properties) {
    this(properties.shardPath(), properties.clientId(), properties.trainFraction(), properties.splitSeed(),
        properties.labelColumn());
  }

  /** A shard of images, or a table labelled {@value Defaults#LABEL_COLUMN}. */
  public LocalData(Path shard, String clientId, double trainFraction, Long splitSeed) {
    this(shard, clientId, trainFraction, splitSeed, Defaults.LABEL_COLUMN);
  }

  /**
   * Reads the shard; throws {@link ShardUnreadableException} when it cannot (for a table: naming the first bad
   * cells' lines and columns), or when it cannot be split.
   *
   * @param splitSeed the seed of the split, or null for the run's seed
   * @param labelColumn a table's label column
   */
  public LocalData(Path shard, String clientId, double trainFraction, Long splitSeed, String labelColumn) {
    this.shard = shard;
    this.clientId = clientId;
    this.trainFraction = trainFraction;
    this.splitSeed = splitSeed;
    if (!Files.isRegularFile(shard)) {
      throw new ShardUnreadableException(shard, Files.exists(shard) ? "not a regular file"
          : "no such file (working directory " + Path.of("").toAbsolutePath() + ")", null);
    }
    if (!Files.isReadable(shard)) {
      throw new ShardUnreadableException(shard, "not readable", null);
    }
    try {
      boolean holdsImages = CsvData.holdsImages(shard);
      images = holdsImages ? CsvData.readMnist(shard) : null;
      rows = holdsImages ? null : CsvTable.read(shard, labelColumn);
    } catch (IOException | RuntimeException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    size = images != null ? images.size() : rows.size();
    try {
      trainSize = LocalSplit.trainSize(size, trainFraction);
    } catch (IllegalArgumentException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    log.info(String.format(Locale.ROOT,
        "client %s: shard %s (%s), %d samples to split into %d local train / %d local test (fraction %.2f, seed %s)",
        clientId, shard, images != null ? "28x28 images" : "a table of " + rows.features().size() + " feature "
            + "columns, label '" + labelColumn + "'", size, trainSize(), testSize(), trainFraction,
        splitSeed == null ? "the run's" : splitSeed.toString()));
  }

  public Path shard() {
    return shard;
  }

  public int trainSize() {
    return trainSize;
  }

  public int testSize() {
    return size - trainSize;
  }

  /** Whether the shard is a table (else images). */
  public boolean isTable() {
    return rows != null;
  }

  /**
   * This client's registration with the run whose plan is {@code plan}: for images, its split's sizes (the aggregator
   * refuses it for a run on a table); for a table, with its rows' column sums in the run's column order, or with
   * secure aggregation its column count alone (the sums are masked before round 1).
   *
   * @throws DataException when a table does not fit the run's data: a run on images (or a plan without a table), or
   *     columns or labels that are not the run's (naming the file, the lines and the column)
   */
  public ClientRegistration registration(TrainingPlan plan) throws DataException {
    if (images != null) {
      return new ClientRegistration(clientId, trainSize(), testSize());
    }
    Standardization.Sums sums = columnSums(plan);
    // With secure aggregation the sums are masked before round 1 (SecureSubmission), never sent in the clear.
    return plan.secure() ? new ClientRegistration(clientId, trainSize(), testSize(), null, sums.sum().length)
        : new ClientRegistration(clientId, trainSize(), testSize(), sums);
  }

  /**
   * The count, column sums and sums of squares of this client's table, in the columns of the run whose plan is
   * {@code plan}.
   *
   * @throws DataException when the shard does not fit the run's data, as {@link #registration} says
   */
  public Standardization.Sums columnSums(TrainingPlan plan) throws DataException {
    TrainingPlan.Table table = plan == null ? null : plan.table();
    if (images != null || table == null) {
      throw new DataException(shard + (images != null ? ": images, but the run the aggregator serves learns from a "
          + "table" : ": a table, but the run the aggregator serves learns from images"));
    }
    return Standardization.Sums.of(CsvTable.dataset(rows, table.schema()));
  }

  /**
   * The network inputs of both splits for the plan's data, the split drawn from {@code runSeed} (or from
   * {@code FL_SPLIT_SEED} when set), computed on first use: images {@code (pixel + inputOffset) / 255} (the plan's
   * preset decides the offset), a table's columns standardized as the plan says.
   *
   * @throws IllegalStateException when the shard does not fit the plan's data (which the registration checked)
   */
  public SplitFeatures features(long runSeed, TrainingPlan plan) {
    TrainingPlan.Table table = plan.table();
    if (table == null) {
      return features(runSeed, plan.toConfig().preset().inputOffset());
    }
    if (table.standardization() == null) {
      throw new IllegalStateException("the plan has no standardization for the table yet");
    }
    return split(new Key(splitSeed != null ? splitSeed : runSeed, 0f, table));
  }

  /** The network inputs {@code (pixel + inputOffset) / 255} of both splits of a shard of images. */
  public SplitFeatures features(long runSeed, float inputOffset) {
    if (images == null) {
      throw new IllegalStateException(shard + " is a table: its inputs follow the run's plan");
    }
    return split(new Key(splitSeed != null ? splitSeed : runSeed, inputOffset, null));
  }

  private SplitFeatures split(Key key) {
    return features.computeIfAbsent(key, k -> {
      Dataset all = k.table() == null ? images : table(k.table().schema());
      LocalSplit split = LocalSplit.of(all, trainFraction, k.seed(), clientId);
      if (k.table() == null) {
        return new SplitFeatures(split.train().features(k.inputOffset()), split.test().features(k.inputOffset()));
      }
      Standardization s = k.table().standardization();
      return new SplitFeatures(split.train().features(s), split.test().features(s));
    });
  }

  private Dataset table(TableSchema schema) {
    try {
      return CsvTable.dataset(rows, schema);
    } catch (DataException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
