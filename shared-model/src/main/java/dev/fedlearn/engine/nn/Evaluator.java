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

  public static Evaluation evaluate(Model model, Features data, int threads) {
    if (data.dim() != model.sizes().inputs()) {
      throw new IllegalArgumentException("the data has " + data.dim() + " inputs, the network takes "
          + model.sizes().inputs());
    }
    int chunks = (data.size() + CHUNK - 1) / CHUNK;
    List<Partial> parts = Parallel.map(chunks, threads, c -> score(model, data, c * CHUNK,
        Math.min(data.size(), (c + 1) * CHUNK)));
    double loss = 0;
    long correct = 0;
    for (Partial p : parts) {
      loss += p.loss;
      correct += p.correct;
    }
    int n = data.size();
    return new Evaluation(n, n == 0 ? 0 : loss / n, n == 0 ? 0 : (double) correct / n);
  }

  public static Evaluation evaluate(Model model, Features data) {
    return evaluate(model, data, 1);
  }

  private record Partial(double loss, long correct) {}

  private static Partial score(Model model, Features data, int from, int to) {
    Network net = new Network(model);
    double loss = 0;
    long correct = 0;
    for (int i = from; i < to; i++) {
      int label = data.label(i);
      loss += net.score(data.x(), data.offset(i), label);
      if (net.predicted() == label) {
        correct++;
      }
    }
    return new Partial(loss, correct);
  }
}
