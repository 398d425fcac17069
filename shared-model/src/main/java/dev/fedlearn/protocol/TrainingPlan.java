package dev.fedlearn.protocol;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;

/**
 * What the aggregator tells clients to do in a round: the local training settings. {@code learningRate} and
 * {@code l2} may be null for the preset's values; {@code proximalMu} is FedProx's {@code mu}, null or 0 for none;
 * {@code secureAggregation} true when updates go through secure aggregation ({@link SecAggPlan}), null or false for
 * plain updates; {@code privateRun} true in a run with secure aggregation or differential privacy, where a client
 * sends no figures of its own (no training loss or accuracy, no score of the global model on its test split), null
 * or false otherwise; {@code table} is the run's table and how its inputs are standardized, null for images.
 */
public record TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
    String preset, Float proximalMu, Boolean secureAggregation, Boolean privateRun, Table table) {

  /**
   * A table's run: its schema, and the standardization of its inputs (null until every site has registered its
   * sums; a client trains and scores only with it).
   */
  public record Table(TableSchema schema, Standardization standardization) {}

  /** A plan of images. */
  public TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
      String preset, Float proximalMu, Boolean secureAggregation, Boolean privateRun) {
    this(epochs, batchSize, learningRate, momentum, l2, seed, preset, proximalMu, secureAggregation, privateRun,
        null);
  }

  /** The same plan for {@code table} (null: images). */
  public TrainingPlan withTable(Table table) {
    return new TrainingPlan(epochs, batchSize, learningRate, momentum, l2, seed, preset, proximalMu,
        secureAggregation, privateRun, table);
  }

  /** A plan whose privacy follows from secure aggregation alone. */
  public TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
      String preset, Float proximalMu, Boolean secureAggregation) {
    this(epochs, batchSize, learningRate, momentum, l2, seed, preset, proximalMu, secureAggregation,
        secureAggregation);
  }

  /** A plan without secure aggregation. */
  public TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
      String preset, Float proximalMu) {
    this(epochs, batchSize, learningRate, momentum, l2, seed, preset, proximalMu, null);
  }

  /** A plan without a proximal term. */
  public TrainingPlan(int epochs, int batchSize, Float learningRate, float momentum, Float l2, long seed,
      String preset) {
    this(epochs, batchSize, learningRate, momentum, l2, seed, preset, null);
  }

  public static TrainingPlan of(TrainingConfig c) {
    return of(c, 0f);
  }

  /** The plan of a strategy whose clients add the proximal term {@code mu/2 ||w - w_global||^2} (FedProx). */
  public static TrainingPlan of(TrainingConfig c, float proximalMu) {
    return of(c, proximalMu, false);
  }

  /** The same, with or without secure aggregation. */
  public static TrainingPlan of(TrainingConfig c, float proximalMu, boolean secureAggregation) {
    return of(c, proximalMu, secureAggregation, secureAggregation);
  }

  /** The same, in a private run ({@code privateRun}: secure aggregation or differential privacy) or not. */
  public static TrainingPlan of(TrainingConfig c, float proximalMu, boolean secureAggregation, boolean privateRun) {
    return new TrainingPlan(c.epochs(), c.batchSize(), c.learningRate(), c.momentum(), c.l2(), c.seed(),
        c.preset().id(), proximalMu == 0f ? null : proximalMu, secureAggregation ? Boolean.TRUE : null,
        privateRun || secureAggregation ? Boolean.TRUE : null);
  }

  /** Whether the run is private: clients then send no figures of their own. */
  public boolean isPrivate() {
    return Boolean.TRUE.equals(privateRun) || secure();
  }

  /** Whether updates go through secure aggregation. */
  public boolean secure() {
    return Boolean.TRUE.equals(secureAggregation);
  }

  /** FedProx's {@code mu}, 0 when the plan has none. */
  public float mu() {
    return proximalMu == null ? 0f : proximalMu;
  }

  /** The engine's settings; throws {@link IllegalArgumentException} for values it cannot use. */
  public TrainingConfig toConfig() {
    return new TrainingConfig(epochs, batchSize, learningRate, momentum, l2, seed,
        Preset.parse(preset == null ? Preset.DEFAULT.id() : preset));
  }
}
