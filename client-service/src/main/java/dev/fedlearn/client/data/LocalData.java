package dev.fedlearn.client.data;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.data.CsvData;
import dev.fedlearn.data.Dataset;
import dev.fedlearn.data.Features;
import dev.fedlearn.data.LocalSplit;
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
 * The client's own data: its shard, read once at startup, split into local train and local test. The network
 * inputs of both splits are computed once per input offset (the preset decides it) and kept.
 */
@Component
public final class LocalData {
  private static final Logger log = LoggerFactory.getLogger(LocalData.class);

  private final Path shard;
  private final LocalSplit split;
  private final ConcurrentMap<Float, SplitFeatures> features = new ConcurrentHashMap<>();

  /** Both splits as network inputs. */
  public record SplitFeatures(Features train, Features test) {}

  @Autowired
  public LocalData(ClientProperties properties) {
    this(properties.shardPath(), properties.clientId(), properties.trainFraction(), properties.splitSeed());
  }

  /** Reads and splits the shard; throws {@link ShardUnreadableException} when it cannot. */
  public LocalData(Path shard, String clientId, double trainFraction, long splitSeed) {
    this.shard = shard;
    if (!Files.isRegularFile(shard)) {
      throw new ShardUnreadableException(shard, Files.exists(shard) ? "not a regular file"
          : "no such file (working directory " + Path.of("").toAbsolutePath() + ")", null);
    }
    if (!Files.isReadable(shard)) {
      throw new ShardUnreadableException(shard, "not readable", null);
    }
    Dataset all;
    try {
      all = CsvData.readMnist(shard);
    } catch (IOException | RuntimeException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    try {
      this.split = LocalSplit.of(all, trainFraction, splitSeed, clientId);
    } catch (IllegalArgumentException e) {
      throw new ShardUnreadableException(shard, e.getMessage(), e);
    }
    log.info(String.format(Locale.ROOT,
        "client %s: shard %s, %d samples split into %d local train / %d local test (fraction %.2f, seed %d)",
        clientId, shard, all.size(), trainSize(), testSize(), trainFraction, splitSeed));
  }

  public Path shard() {
    return shard;
  }

  public int trainSize() {
    return split.train().size();
  }

  public int testSize() {
    return split.test().size();
  }

  /** The network inputs {@code (pixel + inputOffset) / 255} of both splits, computed on first use. */
  public SplitFeatures features(float inputOffset) {
    return features.computeIfAbsent(inputOffset,
        offset -> new SplitFeatures(split.train().features(offset), split.test().features(offset)));
  }
}
