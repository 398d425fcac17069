package dev.fedlearn.engine.data;

import java.util.SplittableRandom;

/**
 * Explicit, seeded randomness. One run seed is split into independent streams by purpose (initialisation, client
 * shuffling per round, partitioning), so that every use is reproducible on its own and adding a use does not shift
 * the others.
 */
public final class Seeds {
  /** Stream of the initial model's weights. */
  public static final long INIT = 1;
  /** Stream of a client's shuffling. */
  public static final long TRAIN = 2;
  /** Stream of the shard partitioner. */
  public static final long PARTITION = 3;
  /** Stream of a client's local train/test split. */
  public static final long SPLIT = 4;
  /** Stream of the clients picked for a round ({@code (seed, SAMPLE, round)}). */
  public static final long SAMPLE = 5;
  /** Stream of the noise an attacking client adds in a simulation ({@code (seed, ATTACK, client, round)}). */
  public static final long ATTACK = 6;
  /**
   * Stream of the Gaussian noise differential privacy adds to a round's sum in a simulation
   * ({@code (seed, DP_NOISE, round)}): reproducible, hence for measuring, not for privacy.
   */
  public static final long DP_NOISE = 7;

  private Seeds() {}

  /** A stream derived from a seed and a path of stream numbers, e.g. {@code (seed, TRAIN, client, round)}. */
  public static SplittableRandom derive(long seed, long... path) {
    long h = mix(seed);
    for (long p : path) {
      h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
    }
    return new SplittableRandom(h);
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A stable number for a client id, for use in a stream path. */
  public static long of(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return mix(h);
  }
}
