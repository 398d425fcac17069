package dev.fedlearn.engine.data;

import dev.fedlearn.Defaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Draws disjoint client shards from a training set, deterministically by seed: IID (a seeded shuffle cut into the
 * given sizes), label-skewed non-IID (each client's class mix drawn from a symmetric Dirichlet with parameter
 * {@code alpha}: small alpha, few classes per client), or McMahan et al.'s label-sorted shards (each client holds a
 * few labels). Shards are index arrays into the training set; {@link Partition} names the three.
 */
public final class Partitioner {
  /** The seed's shard sizes ({@link Defaults#CLIENT_SIZES}). */
  public static final int[] DEFAULT_SIZES =
      Arrays.stream(Defaults.CLIENT_SIZES.split(",")).mapToInt(Integer::parseInt).toArray();

  private Partitioner() {}

  public static List<int[]> iid(int available, int[] sizes, long seed) {
    check(available, sizes);
    int[] order = permutation(available, Seeds.derive(seed, Seeds.PARTITION));
    List<int[]> shards = new ArrayList<>();
    int start = 0;
    for (int size : sizes) {
      shards.add(Arrays.copyOfRange(order, start, start + size));
      start += size;
    }
    return shards;
  }

  /**
   * Label-skewed shards: client {@code c} wants {@code sizes[c] * p_c[k]} samples of class {@code k}, with
   * {@code p_c ~ Dirichlet(alpha)}; a class that runs out is made up from the classes the client wants next most.
   */
  public static List<int[]> dirichlet(Dataset data, int[] sizes, double alpha, long seed) {
    check(data.size(), sizes);
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Dirichlet alpha must be a positive number, got " + alpha);
    }
    RandomGenerator rng = Seeds.derive(seed, Seeds.PARTITION);
    int classes = data.classes();
    int[][] pools = new int[classes][];
    int[] counts = data.labelCounts();
    int[] next = new int[classes];
    for (int k = 0; k < classes; k++) {
      pools[k] = new int[counts[k]];
    }
    for (int i = 0; i < data.size(); i++) {
      int k = data.label(i);
      pools[k][next[k]++] = i;
    }
    for (int k = 0; k < classes; k++) {
      shuffle(pools[k], rng);
    }
    int[] used = new int[classes];
    List<int[]> shards = new ArrayList<>();
    for (int size : sizes) {
      double[] p = dirichletSample(classes, alpha, rng);
      int[] want = apportion(size, p);
      Integer[] byPreference = new Integer[classes];
      for (int k = 0; k < classes; k++) {
        byPreference[k] = k;
      }
      Arrays.sort(byPreference, (a, b) -> Double.compare(p[b], p[a]));
      int deficit = 0;
      for (int k = 0; k < classes; k++) {
        int left = pools[k].length - used[k];
        if (want[k] > left) {
          deficit += want[k] - left;
          want[k] = left;
        }
      }
      for (int r = 0; deficit > 0 && r < classes; r++) {
        int k = byPreference[r];
        int extra = Math.min(deficit, pools[k].length - used[k] - want[k]);
        want[k] += extra;
        deficit -= extra;
      }
      int[] shard = new int[size];
      int n = 0;
      for (int k = 0; k < classes; k++) {
        System.arraycopy(pools[k], used[k], shard, n, want[k]);
        used[k] += want[k];
        n += want[k];
      }
      shuffle(shard, rng);
      shards.add(shard);
    }
    return shards;
  }

  /**
   * McMahan et al.'s pathological non-IID split: {@code sum(sizes)} samples are drawn from the training set (all of
   * them when they add up to its size), sorted by label, and cut into shards of {@code sizes[0] / perClient} samples,
   * {@code perClient} dealt at random to each client. Every client gets samples of at most {@code perClient} labels
   * (a shard may straddle two). Every size must be the same multiple of {@code perClient}.
   */
  public static List<int[]> shards(Dataset data, int[] sizes, int perClient, long seed) {
    check(data.size(), sizes);
    if (perClient < 1) {
      throw new IllegalArgumentException("shards per client must be at least 1, got " + perClient);
    }
    for (int size : sizes) {
      if (size != sizes[0] || size % perClient != 0) {
        throw new IllegalArgumentException("the label-sorted split needs every client the same size, a multiple of "
            + perClient + " shards: got " + Arrays.toString(sizes).replace(" ", ""));
      }
    }
    RandomGenerator rng = Seeds.derive(seed, Seeds.PARTITION);
    int total = sizes.length * sizes[0];
    int[] drawn = Arrays.copyOf(permutation(data.size(), rng), total);
    Integer[] byLabel = new Integer[total];
    for (int i = 0; i < total; i++) {
      byLabel[i] = drawn[i];
    }
    Arrays.sort(byLabel, (a, b) -> data.label(a) != data.label(b) ? Integer.compare(data.label(a), data.label(b))
        : Integer.compare(a, b));
    int shardSize = sizes[0] / perClient;
    int[] deal = permutation(sizes.length * perClient, rng);
    List<int[]> out = new ArrayList<>();
    for (int c = 0; c < sizes.length; c++) {
      int[] shard = new int[sizes[0]];
      for (int k = 0; k < perClient; k++) {
        int from = deal[c * perClient + k] * shardSize;
        for (int i = 0; i < shardSize; i++) {
          shard[k * shardSize + i] = byLabel[from + i];
        }
      }
      shuffle(shard, rng);
      out.add(shard);
    }
    return out;
  }

  /** Whole numbers proportional to {@code p} that add up to {@code total} (largest remainders). */
  static int[] apportion(int total, double[] p) {
    int[] out = new int[p.length];
    double[] rest = new double[p.length];
    int given = 0;
    for (int k = 0; k < p.length; k++) {
      double exact = total * p[k];
      out[k] = (int) Math.floor(exact);
      rest[k] = exact - out[k];
      given += out[k];
    }
    while (given < total) {
      int best = 0;
      for (int k = 1; k < p.length; k++) {
        if (rest[k] > rest[best]) {
          best = k;
        }
      }
      out[best]++;
      rest[best] = -1;
      given++;
    }
    return out;
  }

  static double[] dirichletSample(int k, double alpha, RandomGenerator rng) {
    double[] g = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      g[i] = gamma(alpha, rng);
      sum += g[i];
    }
    if (sum == 0) { // every draw underflowed (tiny alpha): one class takes all
      g[rng.nextInt(k)] = 1;
      sum = 1;
    }
    for (int i = 0; i < k; i++) {
      g[i] /= sum;
    }
    return g;
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 are boosted by {@code U^(1/shape)}. */
  static double gamma(double shape, RandomGenerator rng) {
    if (shape < 1) {
      double u = rng.nextDouble();
      return gamma(shape + 1, rng) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  public static int[] permutation(int n, RandomGenerator rng) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, rng);
    return order;
  }

  /** Fisher-Yates, in place. */
  public static void shuffle(int[] a, RandomGenerator rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static void check(int available, int[] sizes) {
    if (sizes.length == 0) {
      throw new IllegalArgumentException("give at least one shard size");
    }
    long total = 0;
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("shard sizes must be positive, got " + Arrays.toString(sizes));
      }
      total += s;
    }
    if (total > available) {
      throw new IllegalArgumentException("shards of " + total + " samples in all do not fit in " + available);
    }
  }
}
