package dev.fedlearn.aggregator.config;

import dev.fedlearn.nn.LayerSizes;
import dev.fedlearn.nn.Preset;
import dev.fedlearn.nn.TrainingConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run's settings ({@code fl.*}; as environment variables {@code FL_ROUNDS}, {@code FL_CLIENTS},
 * {@code FL_LOCAL_EPOCHS}, {@code FL_BATCH_SIZE}, {@code FL_LEARNING_RATE}, {@code FL_MOMENTUM}, {@code FL_L2},
 * {@code FL_SEED}, {@code FL_PRESET}, {@code FL_LAYERS}, {@code FL_DATA_DIR}).
 *
 * @param rounds rounds of the run
 * @param clients clients that must register before round 1; every round waits for all of them
 * @param localEpochs local epochs per round
 * @param batchSize local batch size
 * @param learningRate one learning rate for all layers, or empty for the preset's
 * @param momentum momentum of the local optimiser
 * @param l2 weight decay, or empty for the preset's
 * @param seed the run's seed: initial model and the clients' shuffling
 * @param preset {@code default} or {@code seed}
 * @param layers layer sizes of the network
 * @param dataDir folder holding {@code mnist/t10k-*}: the held-out test set
 * @param maxPollWait longest a {@code GET /model} long poll is held
 * @param threads threads that score global models
 * @param stateDir folder where the finished run's workbook is saved ({@code FL_STATE_DIR})
 */
@ConfigurationProperties("fl")
public record AggregatorProperties(
    @DefaultValue("10") int rounds,
    @DefaultValue("4") int clients,
    @DefaultValue("50") int localEpochs,
    @DefaultValue("1") int batchSize,
    Float learningRate,
    @DefaultValue("0.9") float momentum,
    Float l2,
    @DefaultValue("42") long seed,
    @DefaultValue("default") String preset,
    @DefaultValue("784,20,15,10") String layers,
    @DefaultValue("data") Path dataDir,
    @DefaultValue("60s") Duration maxPollWait,
    @DefaultValue("2") int threads,
    @DefaultValue("state") Path stateDir) {

  public AggregatorProperties {
    if (rounds < 1) {
      throw new IllegalArgumentException("fl.rounds (FL_ROUNDS) must be at least 1, got " + rounds);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("fl.clients (FL_CLIENTS) must be at least 1, got " + clients);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("fl.threads must be at least 1, got " + threads);
    }
    trainingConfig(localEpochs, batchSize, learningRate, momentum, l2, seed, preset); // fails early on bad values
    LayerSizes.parse(layers);
  }

  /** What clients are told to do each round. */
  public TrainingConfig training() {
    return trainingConfig(localEpochs, batchSize, learningRate, momentum, l2, seed, preset);
  }

  public LayerSizes layerSizes() {
    return LayerSizes.parse(layers);
  }

  private static TrainingConfig trainingConfig(int epochs, int batchSize, Float lr, float momentum, Float l2,
      long seed, String preset) {
    try {
      return new TrainingConfig(epochs, batchSize, lr, momentum, l2, seed, Preset.parse(preset));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad training setting (FL_*): " + e.getMessage(), e);
    }
  }
}
