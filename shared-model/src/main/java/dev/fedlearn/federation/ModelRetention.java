package dev.fedlearn.federation;

/**
 * Which rounds' global models a run keeps beside its current one (in memory; its store, if it has one, keeps them
 * all): every round for runs of up to {@code MAX - 2} rounds; beyond, the initial model, every k-th round and the
 * last, at most {@link #MAX} whatever the number of rounds. The workbook's Weights sheet shows the models kept.
 */
public final class ModelRetention {
  /** The most global models kept, however many rounds the run has. */
  public static final int MAX = 21;

  private ModelRetention() {}

  /** Every how many rounds a model is kept in a run of {@code rounds}: 1 up to {@code MAX - 2} rounds. */
  public static int stride(int rounds) {
    return Math.max(1, (rounds + MAX - 3) / (MAX - 2));
  }

  /** Whether round {@code round}'s global model is kept in a run of {@code rounds} (round 0: the initial model). */
  public static boolean keeps(int round, int rounds) {
    return round == 0 || round == rounds || round % stride(rounds) == 0;
  }
}
