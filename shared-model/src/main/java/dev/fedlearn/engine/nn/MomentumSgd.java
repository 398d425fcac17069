package dev.fedlearn.engine.nn;

/**
 * Momentum SGD as the seed defines it: {@code v = m*v + (1-m)*g; w -= lr*v}, with a learning rate per layer and
 * either kind of weight decay of {@link LayerStep}: L2 {@code g += l2*w} on the weights, or the notebook's
 * decoupled {@code w -= decay*w} on weights and biases.
 *
 * <p>Lifecycle: created once per local model with its buffers allocated once; {@link #reset()} zeroes the momentum
 * (a client does so at the start of each round, as it starts from a new global model); the steps are taken by
 * {@link Network#trainSample} and {@link Network#applyGradient}.
 */
public final class MomentumSgd {
  private final LayerStep[] steps; // index l-1 for layer l
  final float[] velocity;
  private float[] gradient;

  /** Momentum SGD with L2 decay {@code l2} added to the weights' gradient. */
  public MomentumSgd(LayerSizes sizes, float[] learningRates, float momentum, float l2) {
    this(sizes, learningRates, momentum, l2, 0f);
  }

  /**
   * @param l2 L2 decay added to the weights' gradient (0 for none)
   * @param decay decoupled decay: each step shrinks weights and biases by {@code decay*w} (0 for none)
   */
  public MomentumSgd(LayerSizes sizes, float[] learningRates, float momentum, float l2, float decay) {
    if (learningRates.length != sizes.depth()) {
      throw new IllegalArgumentException("need " + sizes.depth() + " learning rates, got " + learningRates.length);
    }
    if (!(decay >= 0f && decay < 1f)) {
      throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
    }
    this.steps = new LayerStep[learningRates.length];
    for (int l = 0; l < steps.length; l++) {
      steps[l] = new LayerStep(learningRates[l], momentum, l2, 1f - decay);
    }
    this.velocity = new float[sizes.parameterCount()];
  }

  /** The optimiser of a training configuration: its rates, momentum, and its preset's kind of decay. */
  public static MomentumSgd of(LayerSizes sizes, TrainingConfig config) {
    float amount = config.effectiveL2();
    boolean decoupled = config.preset().decoupledDecay();
    return new MomentumSgd(sizes, config.learningRates(sizes.depth()), config.momentum(), decoupled ? 0f : amount,
        decoupled ? amount : 0f);
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

  /** The step rule of weight layer {@code layer} (1-based). */
  public LayerStep step(int layer) {
    return steps[layer - 1];
  }
}
