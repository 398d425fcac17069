package dev.fedlearn.engine.data;

import java.util.Arrays;

/**
 * A client's own split of its shard into local train and local test ({@link dev.fedlearn.Defaults#TRAIN_FRACTION}
 * by default: 70/30), deterministic by seed and client id: the same client always trains and tests on the same
 * samples.
 */
public record LocalSplit(Dataset train, Dataset test) {
  public static LocalSplit of(Dataset shard, double trainFraction, long seed, String clientId) {
    int n = shard.size();
    int nTrain = trainSize(n, trainFraction);
    int[] order = Partitioner.permutation(n, Seeds.derive(seed, Seeds.SPLIT, Seeds.of(clientId)));
    return new LocalSplit(shard.subset(Arrays.copyOfRange(order, 0, nTrain)),
        shard.subset(Arrays.copyOfRange(order, nTrain, n)));
  }

  /** How many of a shard's {@code n} samples go to local training; the seed decides which, not how many. */
  public static int trainSize(int n, double trainFraction) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException("train fraction must be between 0 and 1, got " + trainFraction);
    }
    int nTrain = (int) Math.round(n * trainFraction);
    if (nTrain < 1 || nTrain >= n) {
      throw new IllegalArgumentException("a shard of " + n + " samples cannot be split " + trainFraction
          + " into non-empty train and test parts");
    }
    return nTrain;
  }
}
