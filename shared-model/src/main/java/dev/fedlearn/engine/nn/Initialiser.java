package dev.fedlearn.engine.nn;

import java.util.random.RandomGenerator;

/** How a new model's parameters are drawn. */
public enum Initialiser {
  /**
   * He (Kaiming) uniform for leaky-ReLU layers: weights from {@code U(-sqrt(6/fanIn), sqrt(6/fanIn))}, biases zero.
   */
  HE_UNIFORM {
    @Override
    public void fill(LayerSizes sizes, float[] p, RandomGenerator rng) {
      for (int l = 1; l <= sizes.depth(); l++) {
        int fanIn = sizes.size(l - 1);
        float limit = (float) Math.sqrt(6.0 / fanIn);
        int w = sizes.weightOffset(l);
        int count = sizes.size(l) * fanIn;
        for (int j = 0; j < count; j++) {
          p[w + j] = uniform(rng, limit);
        }
        java.util.Arrays.fill(p, sizes.biasOffset(l), sizes.biasOffset(l) + sizes.size(l), 0f);
      }
    }
  },
  /** The original notebook's: every weight and bias from {@code U(-1, 1)}. */
  UNIFORM_ONE {
    @Override
    public void fill(LayerSizes sizes, float[] p, RandomGenerator rng) {
      for (int j = 0; j < p.length; j++) {
        p[j] = uniform(rng, 1f);
      }
    }
  };

  public abstract void fill(LayerSizes sizes, float[] params, RandomGenerator rng);

  static float uniform(RandomGenerator rng, float limit) {
    return (float) ((rng.nextDouble() * 2.0 - 1.0) * limit);
  }
}
