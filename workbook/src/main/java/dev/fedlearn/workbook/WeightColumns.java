package dev.fedlearn.workbook;

/**
 * Which rounds' global models the Weights sheet shows, and so which ones a run keeps in memory: every round for runs
 * of up to {@code MAX - 2} rounds; beyond, the initial model, every k-th round and the last, at most {@link #MAX}
 * whatever the number of rounds.
 */
public final class WeightColumns {
  /** The most global models shown (and kept), however many rounds the run has. */
  public static final int MAX = 21;

  private WeightColumns() {}

  /** Every how many rounds a model is shown in a run of {@code rounds}: 1 up to {@code MAX - 2} rounds. */
  public static int stride(int rounds) {
    return Math.max(1, (rounds + MAX - 3) / (MAX - 2));
  }

  /** Whether round {@code round}'s global model is shown in a run of {@code rounds}. */
  public static boolean shows(int round, int rounds) {
    return round == 0 || round == rounds || round % stride(rounds) == 0;
  }
}
