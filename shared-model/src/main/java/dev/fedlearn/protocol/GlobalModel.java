package dev.fedlearn.protocol;

import dev.fedlearn.engine.nn.Model;
import java.util.Arrays;
import java.util.Objects;

/**
 * The current global model as the aggregator serves it: how many rounds it has been through ({@code round}, 0 = the
 * initial model) of how many ({@code rounds}), where the run stands, its shape, its flat parameters in the engine's
 * order, and the plan for the next round. A client trains round {@code round + 1} when {@code state} is
 * {@code TRAINING}; it scores the model on its local test split when {@code round > 0}. When the caller says who it
 * is, {@code submitted} tells whether it already sent its update for round {@code round + 1} and {@code evaluated}
 * whether it already scored this model, so that a restarted client repeats neither, and {@code picked} whether it
 * takes part in round {@code round + 1} (the strategy may pick a fraction of the clients; null when the caller is
 * not named, or from an aggregator that picks every client); {@code run} is the id of the run the model belongs to
 * (an aggregator serves run after run; null from one that does not say); {@code crossSite} the caller's step in
 * the completed run's cross-site evaluation (null when none was asked for; see {@link CrossSiteStep}). Equal when
 * every component is,
 * the arrays compared element by element; {@link #toString} gives the shape and the number of weights, not the
 * weights.
 */
public record GlobalModel(int round, int rounds, RunState state, int[] layerSizes, float[] weights,
    TrainingPlan plan, Boolean submitted, Boolean evaluated, Boolean picked, Integer run, CrossSiteStep crossSite) {

  /** A model without a cross-site evaluation. */
  public GlobalModel(int round, int rounds, RunState state, int[] layerSizes, float[] weights, TrainingPlan plan,
      Boolean submitted, Boolean evaluated, Boolean picked, Integer run) {
    this(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, run, null);
  }

  /** A model without the caller's part in the next round, of no named run. */
  public GlobalModel(int round, int rounds, RunState state, int[] layerSizes, float[] weights, TrainingPlan plan,
      Boolean submitted, Boolean evaluated) {
    this(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, null, null);
  }

  /** A model of no named run. */
  public GlobalModel(int round, int rounds, RunState state, int[] layerSizes, float[] weights, TrainingPlan plan,
      Boolean submitted, Boolean evaluated, Boolean picked) {
    this(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, null);
  }

  public GlobalModel {
    submitted = Boolean.TRUE.equals(submitted); // absent (an older aggregator, no caller named) = false
    evaluated = Boolean.TRUE.equals(evaluated);
  }

  public static GlobalModel of(int round, int rounds, RunState state, Model model, TrainingPlan plan) {
    return new GlobalModel(round, rounds, state, model.sizes().toArray(), model.params().clone(), plan, false,
        false);
  }

  /** The same model with the caller's progress. */
  public GlobalModel withProgress(boolean submitted, boolean evaluated) {
    return new GlobalModel(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, run,
        crossSite);
  }

  /** The same model with the caller's progress and whether it takes part in the next round. */
  public GlobalModel withProgress(boolean submitted, boolean evaluated, boolean picked) {
    return new GlobalModel(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, run,
        crossSite);
  }

  /** The same model with the caller's step in the run's cross-site evaluation (null: none asked for). */
  public GlobalModel withCrossSite(CrossSiteStep step) {
    return new GlobalModel(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, run, step);
  }

  /** The same model, said to be of run {@code id}. */
  public GlobalModel withRun(int id) {
    return new GlobalModel(round, rounds, state, layerSizes, weights, plan, submitted, evaluated, picked, id,
        crossSite);
  }

  /** Whether the caller takes part in the next round: yes unless the aggregator says it is not picked. */
  public boolean takesPart() {
    return !Boolean.FALSE.equals(picked);
  }

  /** The engine's model; throws {@link IllegalArgumentException} when shape and weights disagree. */
  public Model toModel() {
    return Wire.model(layerSizes, weights);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GlobalModel g && round == g.round && rounds == g.rounds && state == g.state
        && Arrays.equals(layerSizes, g.layerSizes) && Arrays.equals(weights, g.weights) && Objects.equals(plan, g.plan)
        && submitted.equals(g.submitted) && evaluated.equals(g.evaluated) && Objects.equals(picked, g.picked)
        && Objects.equals(run, g.run) && crossSite == g.crossSite;
  }

  @Override
  public int hashCode() {
    return Objects.hash(round, rounds, state, Arrays.hashCode(layerSizes), Arrays.hashCode(weights), plan, submitted,
        evaluated, picked, run, crossSite);
  }

  @Override
  public String toString() {
    return "GlobalModel[round=" + round + ", rounds=" + rounds + ", state=" + state + ", layerSizes="
        + Arrays.toString(layerSizes) + ", weights=" + Wire.length(weights) + ", plan=" + plan + ", submitted="
        + submitted + ", evaluated=" + evaluated + ", picked=" + picked + ", run=" + run
        + (crossSite == null ? "" : ", crossSite=" + crossSite) + "]";
  }
}
