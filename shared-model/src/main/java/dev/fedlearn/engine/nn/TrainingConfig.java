package dev.fedlearn.engine.nn;

import dev.fedlearn.Defaults;
import java.util.Objects;

/**
 * How a model is trained locally: what a client needs besides its data.
 *
 * @param epochs passes over the local training data
 * @param batchSize samples per update (1 = plain stochastic, as in the seed)
 * @param learningRate one learning rate for every layer, or {@code null} for the preset's
 * @param momentum {@code m} in {@code v = m*v + (1-m)*g}
 * @param l2 weight decay, or {@code null} for the preset's; the preset says which kind
 *     ({@link Preset#decoupledDecay()})
 * @param seed the run's seed; shuffling streams are derived from it
 * @param preset initialisation, input scaling and default rates
 */
public record TrainingConfig(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
    Preset preset) {

  public static final float DEFAULT_MOMENTUM = Defaults.MOMENTUM_VALUE;
  public static final long DEFAULT_SEED = Defaults.SEED_VALUE;

  public TrainingConfig {
    Objects.requireNonNull(preset, "preset");
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be 0 or more, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (learningRate != null && !(learningRate > 0f && Float.isFinite(learningRate))) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    if (!(momentum >= 0f && momentum < 1f)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (l2 != null && !(l2 >= 0f && Float.isFinite(l2))) {
      throw new IllegalArgumentException("l2 must be 0 or a positive number, got " + l2);
    }
    if (l2 != null && preset.decoupledDecay() && l2 >= 1f) {
      throw new IllegalArgumentException("the " + preset.id() + " preset's decay shrinks every weight by that share "
          + "each step, so it must be below 1, got " + l2);
    }
  }

  /** The seed's setup ({@link Defaults}): 50 epochs, batch size 1, momentum 0.9, the default preset. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(Defaults.LOCAL_EPOCHS_VALUE, Defaults.BATCH_SIZE_VALUE, null, DEFAULT_MOMENTUM, null,
        DEFAULT_SEED, Preset.parse(Defaults.PRESET));
  }

  public TrainingConfig withEpochs(int e) {
    return new TrainingConfig(e, batchSize, learningRate, momentum, l2, seed, preset);
  }

  public TrainingConfig withSeed(long s) {
    return new TrainingConfig(epochs, batchSize, learningRate, momentum, l2, s, preset);
  }

  /** Learning rate of each weight layer. */
  public float[] learningRates(int depth) {
    if (learningRate != null) {
      float[] all = new float[depth];
      java.util.Arrays.fill(all, learningRate);
      return all;
    }
    return preset.learningRates(depth);
  }

  public float effectiveL2() {
    return l2 != null ? l2 : preset.l2();
  }
}
