package dev.fedlearn.wire;

import dev.fedlearn.nn.Preset;
import dev.fedlearn.nn.TrainingConfig;

/**
 * What the aggregator tells clients to do in a round: the local training settings. {@code learningRate} and
 * {@code l2} may be null for the preset's values.
 */
public record TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
    String preset) {

  public static TrainingPlan of(TrainingConfig c) {
    return new TrainingPlan(c.epochs(), c.batchSize(), c.learningRate(), c.momentum(), c.l2(), c.seed(),
        c.preset().id());
  }

  /** The engine's settings; throws {@link IllegalArgumentException} for values it cannot use. */
  public TrainingConfig toConfig() {
    return new TrainingConfig(epochs, batchSize, learningRate, momentum, l2, seed,
        Preset.parse(preset == null ? Preset.DEFAULT.id() : preset));
  }
}
