package dev.fedlearn.federation;

import java.util.List;

/**
 * The clients' scores of one model combined into one (Flower's {@code weighted_average} of evaluation metrics): loss
 * and accuracy averaged with each client's number of test samples as its weight, summed in double in the given
 * order.
 */
public final class Evaluations {
  /** One client's score: on how many samples, the mean loss, the accuracy. */
  public record Score(long samples, double loss, double accuracy) {}

  /** The sample-weighted mean of scores; {@code samples} is their total. */
  public record Mean(long samples, double loss, double accuracy) {}

  private Evaluations() {}

  /**
   * The sample-weighted mean of {@code scores}: {@code sum(n_k * x_k) / sum(n_k)} for the loss and the accuracy.
   * No scores, or zero samples in all, give zeros with zero samples. Refuses a negative sample count.
   */
  public static Mean weighted(List<Score> scores) {
    long total = 0;
    double loss = 0;
    double accuracy = 0;
    for (Score s : scores) {
      if (s.samples() < 0) {
        throw new IllegalArgumentException("a score of " + s.samples() + " samples");
      }
      total = Math.addExact(total, s.samples());
      loss += s.samples() * s.loss();
      accuracy += s.samples() * s.accuracy();
    }
    return total == 0 ? new Mean(0, 0, 0) : new Mean(total, loss / total, accuracy / total);
  }
}
