package dev.fedlearn.cli;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Network;
import dev.fedlearn.engine.nn.Parallel;
import java.util.List;

/**
 * A model's predicted class of each sample, and the confusion matrix of predictions against labels. The prediction is
 * the one the engine scores with ({@link Network#predicted()}: the first of the largest logits), so the matrix's
 * diagonal counts exactly the samples {@link dev.fedlearn.engine.nn.Evaluator} calls correct.
 */
final class Predictions {
  /** Samples a thread predicts at a time. */
  private static final int CHUNK = 1024;

  private Predictions() {}

  /** The predicted class of every sample of {@code data}, in order; {@code threads} share the chunks out. */
  static int[] of(Model model, Features data, int threads) {
    int chunks = (data.size() + CHUNK - 1) / CHUNK;
    List<int[]> parts = Parallel.map(chunks, threads, c -> {
      Network net = new Network(model);
      int from = c * CHUNK;
      int[] out = new int[Math.min(data.size(), from + CHUNK) - from];
      for (int i = 0; i < out.length; i++) {
        net.score(data.x(), data.offset(from + i), 0); // the label only sets the loss, not the prediction
        out[i] = net.predicted();
      }
      return out;
    });
    int[] predicted = new int[data.size()];
    for (int c = 0; c < chunks; c++) {
      System.arraycopy(parts.get(c), 0, predicted, c * CHUNK, parts.get(c).length);
    }
    return predicted;
  }

  /** {@code [true label][predicted class]}: how many samples of each label went to each class. */
  static long[][] confusion(Features data, int[] predicted) {
    long[][] matrix = new long[data.classes()][data.classes()];
    for (int i = 0; i < predicted.length; i++) {
      matrix[data.label(i)][predicted[i]]++;
    }
    return matrix;
  }
}
