package dev.fedlearn.cli;

import dev.fedlearn.engine.data.CsvTable;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.SafeTensors;
import dev.fedlearn.protocol.TrainingPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model file: the global model as the aggregator serves it at {@code GET /api/v1/model}, either its JSON
 * ({@link GlobalModel}) or its safetensors layout ({@link SafeTensors}). Writing chooses the form by the file's
 * extension; reading tells it by the content (safetensors starts with its header's length), so a file saved under
 * any name reads. A
 * safetensors file without fedlearn's metadata (one saved from PyTorch, say) reads as its tensors alone. Every
 * problem with a file is a {@link DataException} naming it, so that it exits 1.
 */
final class ModelFile {
  /** The largest model file read: a model of several million weights, as JSON, fits. */
  static final long MAX_BYTES = 1L << 30;

  /**
   * Read as strictly as the aggregator reads JSON (no fractions as integers, no nulls as numbers, no "5" as 5) and,
   * as its clients do, passing over fields this release does not know.
   */
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** The two forms of a model file. */
  enum Format {
    JSON(".json"),
    SAFETENSORS(".safetensors");

    private final String extension;

    Format(String extension) {
      this.extension = extension;
    }

    /** The form a file name asks for; an {@link IllegalArgumentException} (a usage error) for any other name. */
    static Format of(Path file, String option) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
      for (Format f : values()) {
        if (name.endsWith(f.extension) && name.length() > f.extension.length()) {
          return f;
        }
      }
      throw new IllegalArgumentException(option + " " + file + ": the name must end in .safetensors or .json");
    }
  }

  /**
   * A model read from a file: the engine's model, the input scaling it was trained with, the global model's record
   * (null for bare tensors) and the file's form.
   */
  record Loaded(Path file, Model model, Preset preset, GlobalModel global, Format format) {
    /** The model, its shape and where it comes from, for a line of text. */
    String describe() {
      String from = global == null ? "bare tensors" : "round " + global.round() + " of " + global.rounds() + ", "
          + global.state();
      return file + ": " + model.sizes() + ", preset " + preset + ", " + from + " (" + format.name().toLowerCase(
          Locale.ROOT) + ")";
    }

    /** Refuses, naming the file, a model that does not take MNIST's 784 pixels and give its 10 classes. */
    /** The table the model learnt from and how it standardizes its inputs, or null for images. */
    TrainingPlan.Table table() {
      return global == null || global.plan() == null ? null : global.plan().table();
    }

    /**
     * The network inputs of {@code csv} as the model takes them: a table's columns standardized, labelled or not (a
     * label column is passed over then); null for a model of images.
     */
    Features tableInputs(Path csv, boolean labelled) throws java.io.IOException {
      TrainingPlan.Table table = table();
      if (table == null) {
        return null;
      }
      if (csv == null) {
        throw new IllegalArgumentException("the model learnt from a table (" + table.schema().inputs() + " feature "
            + "columns, label '" + table.schema().label() + "'): give its rows with --csv FILE");
      }
      Inputs.textFile(csv);
      CsvTable.Rows rows = CsvTable.read(csv, table.schema().label(), labelled);
      Dataset set = labelled ? CsvTable.dataset(rows, table.schema()) : CsvTable.unlabelled(rows, table.schema());
      return set.features(table.standardization());
    }

    void requireMnistShape() throws DataException {
      if (model.sizes().inputs() != Dataset.MNIST_PIXELS || model.sizes().classes() != Dataset.MNIST_CLASSES) {
        throw new DataException(file + ": the model is " + model.sizes() + ", it takes " + model.sizes().inputs()
            + " inputs and gives " + model.sizes().classes() + " classes; MNIST images have " + Dataset.MNIST_PIXELS
            + " pixels and " + Dataset.MNIST_CLASSES + " classes");
      }
    }
  }

  private ModelFile() {}

  /**
   * Checks, before a run, that {@code file} can take a model: its name says the form ({@link Format#of}, else a usage
   * error) and its folder exists (else a {@link DataException}).
   */
  static void checkTarget(Path file, String option) throws DataException {
    Format.of(file, option);
    Path folder = file.toAbsolutePath().getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new DataException(file + ": no such folder for the model");
    }
  }

  /** Writes {@code model} to {@code file} in the form its extension names (checked with {@link Format#of}). */
  static void write(Path file, GlobalModel model, String option) throws IOException {
    byte[] bytes = switch (Format.of(file, option)) {
      case JSON -> JSON.writeValueAsBytes(model);
      case SAFETENSORS -> SafeTensors.encode(model);
    };
    try {
      Files.write(file, bytes);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such folder for the model", e);
    }
  }

  /**
   * Reads a model file in either form. {@code preset}, when not null, sets the input scaling; else the file's plan
   * does, and a file without one (bare tensors) gets the default preset.
   */
  static Loaded read(Path file, Preset preset) throws IOException {
    if (!Files.exists(file)) {
      throw new DataException(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new DataException(file + ": a folder, not a file");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new DataException(file + ": " + Files.size(file) + " bytes, more than a model file holds (at most "
          + MAX_BYTES + ")");
    }
    byte[] bytes = Files.readAllBytes(file);
    boolean json = !isSafeTensors(bytes);
    if (json && firstNonBlank(bytes) != '{') {
      throw new DataException(file + ": not a model file: neither JSON nor safetensors");
    }
    GlobalModel global;
    Model model;
    try {
      if (json) {
        global = JSON.readValue(bytes, GlobalModel.class);
        model = global.toModel();
      } else {
        SafeTensors.Decoded tensors = SafeTensors.decode(bytes);
        global = tensors.metadata().containsKey("format") ? SafeTensors.globalModel(bytes) : null;
        model = new Model(tensors.sizes(), tensors.params());
      }
    } catch (JacksonException e) {
      throw new DataException(file + ": not a model's JSON (" + problem(e) + ")", e);
    } catch (IllegalArgumentException e) {
      throw new DataException(file + ": not a model" + (json ? "'s JSON (" : " file (") + e.getMessage() + ")", e);
    }
    if (!model.isFinite()) {
      throw new DataException(file + ": the model has NaN or infinite weights");
    }
    Preset scaling = preset;
    if (scaling == null) {
      String named = global == null || global.plan() == null ? null : global.plan().preset();
      try {
        scaling = named == null ? Preset.DEFAULT : Preset.parse(named);
      } catch (IllegalArgumentException e) {
        throw new DataException(file + ": the model's plan names " + e.getMessage(), e);
      }
    }
    return new Loaded(file, model, scaling, global, json ? Format.JSON : Format.SAFETENSORS);
  }

  /** What a JSON reader found wrong, with the field's path and without Jackson's hints at its own settings. */
  private static String problem(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      path.append(r.getPropertyName() != null ? (path.isEmpty() ? "" : ".") + r.getPropertyName()
          : "[" + r.getIndex() + "]");
    }
    String message = e.getOriginalMessage().replaceAll("\\s*\\((?:set `|but could if )[^)]*\\)", "");
    return path.isEmpty() ? message : path + ": " + message;
  }

  /**
   * Whether the file starts as a safetensors file does: a little-endian header length of at most
   * {@link SafeTensors#MAX_HEADER_BYTES}, then the header's {@code {}. A JSON file never does: its first 8 bytes, text,
   * read as a far larger length.
   */
  private static boolean isSafeTensors(byte[] bytes) {
    if (bytes.length < 9 || bytes[8] != '{') {
      return false;
    }
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return n >= 2 && n <= SafeTensors.MAX_HEADER_BYTES;
  }

  /** The first byte that is not JSON whitespace, or -1. */
  private static int firstNonBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b;
      }
    }
    return -1;
  }
}
