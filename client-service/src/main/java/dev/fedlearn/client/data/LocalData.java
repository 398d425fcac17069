package dev.fedlearn.client.data;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.LocalSplit;
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
 * The client's own data: its shard, read once at startup, and its split into local train and local test. The split
 * is drawn from the run's seed, which the aggregator's training plan carries (or from {@code FL_SPLIT_SEED} when
 * that is set), so the services split exactly as {@code fl simulate} does with the same seed. The network inputs of
 * both splits are computed once per seed and input offset (the preset decides it) and kept.
 */
@Component
public final class LocalData {
  private static final Logger log = LoggerFactory.getLogger(LocalData.class);

  private final Path shard;
  private final String clientId;
  private final Dataset all;
  private final double trainFraction;
  private final Long splitSeed;
  private final int trainSize;
  private final ConcurrentMap<Key, SplitFeatures> features = new ConcurrentHashMap<>();

  /** Both splits as network inputs. */
  public record SplitFeatures(Features train, Features test) {}

  private record Key(long seed, float inputOffset) {}

  @Autowired
  public LocalData(ClientProperties properties) {
    this(properties.shardPath(), properties.clientId(), properties.trainFraction(), properties.splitSeed());
  }

  /**
   * Reads the shard; throws {@link ShardUnreadableException} when it cannot, or when it cannot be split.
   *
   * @param splitSeed the seed of the split, or null for the run's seed
   */
  public LocalData(Path shard, String clientId, double trainFraction, Long splitSeed) {
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
      all = CsvData.readMnist(shard);
    } catch (IOException | RuntimeException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    try {
      trainSize = LocalSplit.trainSize(all.size(), trainFraction);
    } catch (IllegalArgumentException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    log.info(String.format(Locale.ROOT,
        "client %s: shard %s, %d samples to split into %d local train / %d local test (fraction %.2f, seed %s)",
        clientId, shard, all.size(), trainSize(), testSize(), trainFraction,
        splitSeed == null ? "the run's" : splitSeed.toString()));
  }

  public Path shard() {
    return shard;
  }

  public int trainSize() {
    return trainSize;
  }

  public int testSize() {
    return all.size() - trainSize;
  }

  /**
   * The network inputs {@code (pixel + inputOffset) / 255} of both splits, the split drawn from {@code runSeed}
   * (or from {@code FL_SPLIT_SEED} when set), computed on first use.
   */
  public SplitFeatures features(long runSeed, float inputOffset) {
    long seed = splitSeed != null ? splitSeed : runSeed;
    return features.computeIfAbsent(new Key(seed, inputOffset), key -> {
      LocalSplit split = LocalSplit.of(all, trainFraction, key.seed(), clientId);
      return new SplitFeatures(split.train().features(key.inputOffset()), split.test().features(key.inputOffset()));
    });
  }
}
