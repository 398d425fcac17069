package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Partitioner;
import java.util.random.RandomGenerator;

/**
 * An independent double-precision run of {@link Trainer} at batch size 1: the same samples in the same order, the
 * gradient of {@link DoubleReference}, and the rule of {@link LayerStep} written plainly in double
 * ({@code g = d*x + l2*w; v = m*v + (1-m)*g; w = keep*w - lr*v}; biases without {@code l2}). Only the float
 * rounding of the trainer is absent, so it tells how far each float path strays from the exact arithmetic.
 */
final class DoubleTraining {
  private DoubleTraining() {}

  /** The parameters after {@code config.epochs()} epochs from {@code initial}, shuffled as the trainer does. */
  static double[] train(Model initial, TrainingConfig config, Features data, RandomGenerator rng) {
    if (config.batchSize() != 1) {
      throw new IllegalArgumentException("the reference trains at batch size 1");
    }
    LayerSizes s = initial.sizes();
    MomentumSgd rules = MomentumSgd.of(s, config);
    double[] p = new double[s.parameterCount()];
    for (int j = 0; j < p.length; j++) {
      p[j] = initial.params()[j];
    }
    double[] v = new double[p.length];
    double[] x = new double[data.dim()];
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int e = 0; e < config.epochs(); e++) {
      if (config.preset().reshuffles()) {
        Partitioner.shuffle(order, rng);
      }
      for (int i : order) {
        for (int k = 0; k < x.length; k++) {
          x[k] = data.x()[data.offset(i) + k];
        }
        double[] g = DoubleReference.gradient(s, p, x, data.label(i));
        for (int l = 1; l <= s.depth(); l++) {
          LayerStep r = rules.step(l);
          for (int j = s.weightOffset(l); j < s.biasOffset(l) + s.size(l); j++) {
            double l2 = j < s.biasOffset(l) ? r.l2() : 0;
            v[j] = (double) r.momentum() * v[j] + (1 - (double) r.momentum()) * (g[j] + l2 * p[j]);
            p[j] = r.keep() * p[j] - (double) r.lr() * v[j];
          }
        }
      }
    }
    return p;
  }

  /** The largest difference between float and double parameters. */
  static double maxError(float[] trained, double[] reference) {
    double worst = 0;
    for (int j = 0; j < reference.length; j++) {
      worst = Math.max(worst, Math.abs(trained[j] - reference[j]));
    }
    return worst;
  }
}
