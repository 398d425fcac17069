package dev.fedlearn.federation;

import dev.fedlearn.federation.strategy.FedProx;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.data.Seeds;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.engine.nn.TrainingConfig;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a client does in a round: train a copy of the global model on its own training data. The shuffling stream
 * is derived from the plan's seed, the client id and the round, so a client repeats a round bit for bit.
 */
public final class LocalTraining {
  /**
   * A client's round: its weights and the figures of its last local epoch. Equal when every component is, the
   * weights compared element by element; {@link #toString} gives their number, not their values.
   */
  public record Result(float[] weights, int numSamples, double trainLoss, double trainAccuracy) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && Arrays.equals(weights, r.weights) && numSamples == r.numSamples
          && Double.compare(trainLoss, r.trainLoss) == 0 && Double.compare(trainAccuracy, r.trainAccuracy) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(weights), numSamples, trainLoss, trainAccuracy);
    }

    @Override
    public String toString() {
      return "Result[weights=float[" + weights.length + "], numSamples=" + numSamples + ", trainLoss=" + trainLoss
          + ", trainAccuracy=" + trainAccuracy + "]";
    }
  }

  private LocalTraining() {}

  /** {@link #run(Model, Features, TrainingConfig, String, int, float, Trainer.Listener)} without a proximal term. */
  public static Result run(Model global, Features train, TrainingConfig config, String clientId, int round,
      Trainer.Listener listener) {
    return run(global, train, config, clientId, round, 0f, listener);
  }

  /**
   * Trains a copy of {@code global} (not modified) on {@code train}.
   *
   * @param proximalMu FedProx's {@code mu} ({@link Strategy#proximalMu}): the local loss gains
   *     {@code mu/2 ||w - w_global||^2}, anchored at {@code global}; 0 for none (the same bits as without it)
   */
  public static Result run(Model global, Features train, TrainingConfig config, String clientId, int round,
      float proximalMu, Trainer.Listener listener) {
    Model local = global.copy();
    Trainer.EpochStats last = new Trainer(local, config).proximal(proximalMu, global.params())
        .train(train, Seeds.derive(config.seed(), Seeds.TRAIN, Seeds.of(clientId), round), listener);
    return new Result(local.params(), train.size(), last.loss(), last.accuracy());
  }
}
