package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Preset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The trained model {@code evaluate} and {@code predict} use: its file, and the input scaling if not the file's. */
final class ModelOptions {
  @Option(names = "--model", paramLabel = "FILE", required = true,
      description = "The model: a file of fl simulate --save-model or fl train --save-model, or the aggregator's "
          + "GET /api/v1/model (JSON, or safetensors with Accept: application/octet-stream), told by its content.")
  Path model;

  @Option(names = "--preset", paramLabel = "NAME",
      description = "Scale the pixels as this preset does: default (x/255) or seed ((x+10)/255) (default: the one "
          + "the model was trained with, as its file says; default for a file that does not say, such as bare "
          + "safetensors from PyTorch).")
  String preset;

  /** Reads the model file ({@link ModelFile#read}); an unknown {@code --preset} is a usage error. */
  ModelFile.Loaded load() throws IOException {
    Preset scaling = null;
    if (preset != null) {
      try {
        scaling = Preset.parse(preset);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--preset: " + e.getMessage(), e);
      }
    }
    return ModelFile.read(model, scaling);
  }
}
