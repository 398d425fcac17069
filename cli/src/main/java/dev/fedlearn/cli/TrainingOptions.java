package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import picocli.CommandLine.Option;

/**
 * How a model trains, shared by {@code train}, {@code simulate} and {@code runs submit} (in the last two, each
 * client's local training).
 */
final class TrainingOptions {
  @Option(names = "--epochs", paramLabel = "N", defaultValue = Defaults.LOCAL_EPOCHS,
      description = "Passes over the training data; in a federated run, per client and round (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = Defaults.BATCH_SIZE,
      description = "Samples per update (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", paramLabel = "RATE",
      description = "One learning rate for every layer (default: the preset's; default preset 0.01, "
          + "seed preset 0.003/0.002/0.001).")
  Float learningRate;

  @Option(names = "--momentum", paramLabel = "M", defaultValue = Defaults.MOMENTUM,
      description = "m in v = m*v + (1-m)*g; w -= lr*v (default: ${DEFAULT-VALUE}).")
  float momentum;

  @Option(names = "--l2", paramLabel = "DECAY",
      description = "Weight decay (default: the preset's: default 1e-4, as L2 added to the weights' gradient; seed "
          + "1e-5, as the notebook's p -= decay*p on weights and biases each step).")
  Float l2;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = Defaults.SEED,
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--preset", paramLabel = "NAME", defaultValue = Defaults.PRESET,
      description = "default (He init, x/255) or seed (the original notebook's settings, "
          + "its decay and its fixed sample order) (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--layers", paramLabel = "SIZES",
      description = "Layer sizes, inputs first (default: the data's inputs, --hidden, the data's classes: "
          + Defaults.LAYERS + " for MNIST).")
  String layers;

  @Option(names = "--hidden", paramLabel = "SIZES",
      description = "The hidden layers' sizes between the data's inputs and classes (default: " + Defaults.HIDDEN
          + ").")
  String hidden;

  TrainingConfig config() {
    return new TrainingConfig(epochs, batchSize, learningRate, momentum, l2, seed, Preset.parse(preset));
  }

  /** MNIST's layers: {@code --layers}, or 784 inputs, {@code --hidden} and 10 classes. */
  LayerSizes layerSizes() {
    return layerSizes(Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES);
  }

  /** {@code --layers}, or {@code inputs}, {@code --hidden} and {@code outputs}. */
  LayerSizes layerSizes(int inputs, int outputs) {
    if (layers != null && hidden != null) {
      throw new IllegalArgumentException("--layers gives every layer and --hidden the hidden ones: give one of them");
    }
    if (layers != null) {
      return LayerSizes.parse(layers);
    }
    try {
      return LayerSizes.parse(inputs + "," + (hidden == null ? Defaults.HIDDEN : hidden) + "," + outputs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--hidden: " + e.getMessage(), e);
    }
  }
}
