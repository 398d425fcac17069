package dev.fedlearn.nn;

/**
 * Momentum SGD as the seed defines it: {@code v = m*v + (1-m)*g; w -= lr*v}, with L2 decay {@code g += l2*w} on the
 * weights (not the biases) and a learning rate per layer.
 *
 * <p>Lifecycle: created once per local model with its buffers allocated once; {@link #reset()} zeroes the momentum
 * (a client does so at the start of each round, as it starts from a new global model); the steps are taken by
 * {@link Network#trainSample} and {@link Network#applyGradient}.
 */
public final class MomentumSgd {
  final float[] learningRates; // index l-1 for layer l
  final float momentum;
  final float l2;
  final float[] velocity;
  private float[] gradient;

  public MomentumSgd(LayerSizes sizes, float[] learningRates, float momentum, float l2) {
    if (learningRates.length != sizes.depth()) {
      throw new IllegalArgumentException("need " + sizes.depth() + " learning rates, got " + learningRates.length);
    }
    this.learningRates = learningRates.clone();
    this.momentum = momentum;
    this.l2 = l2;
    this.velocity = new float[sizes.parameterCount()];
  }

  public static MomentumSgd of(LayerSizes sizes, TrainingConfig config) {
    return new MomentumSgd(sizes, config.learningRates(sizes.depth()), config.momentum(), config.effectiveL2());
  }

  public void reset() {
    java.util.Arrays.fill(velocity, 0f);
    if (gradient != null) {
      java.util.Arrays.fill(gradient, 0f);
    }
  }

  /** The batch gradient sum, allocated on first use. */
  float[] gradient() {
    if (gradient == null) {
      gradient = new float[velocity.length];
    }
    return gradient;
  }

  public float learningRate(int layer) {
    return learningRates[layer - 1];
  }

  public float momentum() {
    return momentum;
  }

  public float l2() {
    return l2;
  }
}
