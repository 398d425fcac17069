package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Features;
import java.util.List;

/**
 * Scores a model on a data set, in fixed chunks that threads share out; the chunks' sums are combined in chunk
 * order, so the result does not depend on the number of threads.
 */
public final class Evaluator {
  static final int CHUNK = 1024;

  private Evaluator() {}

  /**
   * A score with its confusion counts: {@code confusion[t * classes + p]} samples of true class {@code t} were
   * predicted {@code p}.
   */
  public record Scored(Evaluation evaluation, long[] confusion) {}

  public static Evaluation evaluate(Model model, Features data, int threads) {
    return score(model, data, threads).evaluation();
  }

  /** The score and the confusion counts, in one pass. */
  public static Scored score(Model model, Features data, int threads) {
    if (data.dim() != model.sizes().inputs()) {
      throw new IllegalArgumentException("the data has " + data.dim() + " inputs, the network takes "
          + model.sizes().inputs());
    }
    int chunks = (data.size() + CHUNK - 1) / CHUNK;
    List<Partial> parts = Parallel.map(chunks, threads, c -> score(model, data, c * CHUNK,
        Math.min(data.size(), (c + 1) * CHUNK)));
    double loss = 0;
    long correct = 0;
    int k = model.sizes().classes();
    long[] confusion = new long[k * k];
    for (Partial p : parts) {
      loss += p.loss;
      correct += p.correct;
      for (int j = 0; j < confusion.length; j++) {
        confusion[j] += p.confusion[j];
      }
    }
    int n = data.size();
    return new Scored(new Evaluation(n, n == 0 ? 0 : loss / n, n == 0 ? 0 : (double) correct / n), confusion);
  }

  public static Evaluation evaluate(Model model, Features data) {
    return evaluate(model, data, 1);
  }

  private record Partial(double loss, long correct, long[] confusion) {}

  private static Partial score(Model model, Features data, int from, int to) {
    Network net = new Network(model);
    int k = model.sizes().classes();
    long[] confusion = new long[k * k];
    double loss = 0;
    long correct = 0;
    for (int i = from; i < to; i++) {
      int label = data.label(i);
      loss += net.score(data.x(), data.offset(i), label);
      int predicted = net.predicted();
      if (predicted == label) {
        correct++;
      }
      confusion[label * k + predicted]++;
    }
    return new Partial(loss, correct, confusion);
  }
}
