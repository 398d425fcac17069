package dev.fedlearn.nn;

/**
 * A model's score on a data set: mean cross-entropy, accuracy and the confusion matrix
 * ({@code confusion[truth * classes + predicted]}).
 */
public record Evaluation(int count, double loss, double accuracy, long[] confusion, int classes) {
  public long confusion(int truth, int predicted) {
    return confusion[truth * classes + predicted];
  }
}
