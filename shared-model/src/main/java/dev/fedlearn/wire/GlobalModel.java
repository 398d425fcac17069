package dev.fedlearn.wire;

import dev.fedlearn.nn.LayerSizes;
import dev.fedlearn.nn.Model;

/**
 * The current global model as the aggregator serves it: how many rounds it has been through (0 = the initial
 * model), its shape, its flat parameters in the engine's order, and the plan for the next round.
 */
public record GlobalModel(int round, int[] layerSizes, float[] weights, TrainingPlan plan) {
  public static GlobalModel of(int round, Model model, TrainingPlan plan) {
    return new GlobalModel(round, model.sizes().toArray(), model.params().clone(), plan);
  }

  /** The engine's model; throws {@link IllegalArgumentException} when shape and weights disagree. */
  public Model toModel() {
    return Wire.model(layerSizes, weights);
  }
}
