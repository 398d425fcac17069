package dev.fedlearn.protocol;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Weights in the <a href="https://huggingface.co/docs/safetensors">safetensors</a> layout, the binary form of
 * {@link GlobalModel} and {@link ClientUpdate} ({@code application/octet-stream}): an unsigned 64-bit little-endian
 * header length N, N bytes of JSON header (padded with spaces so that the data starts on an 8-byte boundary), then
 * the data. The header names one tensor per layer's weights, {@code layerL.weight} of shape {@code [out, in]}, and
 * biases, {@code layerL.bias} of shape {@code [out]} (L from 1), each with dtype {@code F32} and its
 * {@code data_offsets}; {@code __metadata__} holds the record's other fields as strings. The data is the model's flat
 * parameter vector as little-endian float32, in the engine's order, which is the tensors' order: PyTorch's
 * {@code nn.Linear} layout, readable with Python's {@code safetensors.numpy.load} or {@code safe_open}. A file may
 * hold the tensors in any order (Python's writer sorts them by name), as long as they cover its data exactly.
 *
 * <p>Decoding checks everything a hostile sender could get wrong (lengths, header, dtypes, shapes that do not chain,
 * offsets with holes or overlaps, missing or malformed metadata) and throws {@link IllegalArgumentException} with
 * the reason.
 */
public final class SafeTensors {
  public static final String MEDIA_TYPE = "application/octet-stream";
  /** The largest header accepted: a model of a few hundred layers with its metadata fits many times over. */
  public static final int MAX_HEADER_BYTES = 1 << 20;
  /** The {@code __metadata__} entry that says which record the file holds. */
  static final String FORMAT = "format";
  static final String GLOBAL_MODEL = "fedlearn.global-model";
  static final String CLIENT_UPDATE = "fedlearn.client-update";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A decoded file: its metadata, the layer sizes its tensors describe, and the parameters. */
  public record Decoded(Map<String, String> metadata, LayerSizes sizes, float[] params) {}

  private SafeTensors() {}

  /** The file of a model of shape {@code sizes} with parameters {@code params} and the given metadata. */
  public static byte[] encode(Map<String, String> metadata, LayerSizes sizes, float[] params) {
    byte[] head = head(metadata, sizes, params);
    ByteBuffer out = ByteBuffer.allocate(head.length + 4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(head).asFloatBuffer().put(params);
    return out.array();
  }

  /** Bytes written a chunk at a time by {@link #write}: a response streams without a copy of the whole model. */
  static final int CHUNK_FLOATS = 16 * 1024;

  /**
   * Writes what {@link #encode} returns to {@code out}, the data a chunk at a time, and returns the number of bytes:
   * many concurrent responses then hold a small buffer each rather than a copy of the model each.
   */
  public static long write(Map<String, String> metadata, LayerSizes sizes, float[] params, OutputStream out)
      throws IOException {
    byte[] head = head(metadata, sizes, params);
    out.write(head);
    ByteBuffer chunk = ByteBuffer.allocate(4 * Math.min(CHUNK_FLOATS, params.length)).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < params.length; from += CHUNK_FLOATS) {
      int n = Math.min(CHUNK_FLOATS, params.length - from);
      chunk.clear();
      chunk.asFloatBuffer().put(params, from, n);
      out.write(chunk.array(), 0, 4 * n);
    }
    return head.length + 4L * params.length;
  }

  /** The size in bytes of the file {@link #encode} would return. */
  public static long size(Map<String, String> metadata, LayerSizes sizes, float[] params) {
    return head(metadata, sizes, params).length + 4L * params.length;
  }

  /** The header length and the header, padded with spaces so that the data starts on an 8-byte boundary. */
  private static byte[] head(Map<String, String> metadata, LayerSizes sizes, float[] params) {
    if (params.length != sizes.parameterCount()) {
      throw new IllegalArgumentException("layer sizes " + sizes + " take " + sizes.parameterCount()
          + " parameters, got " + params.length);
    }
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    for (int l = 1; l <= sizes.depth(); l++) {
      tensor(header, "layer" + l + ".weight", sizes.weightOffset(l), sizes.size(l), sizes.size(l - 1));
      tensor(header, "layer" + l + ".bias", sizes.biasOffset(l), sizes.size(l));
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    return out.array();
  }

  private static void tensor(ObjectNode header, String name, int offset, int... shape) {
    ObjectNode t = header.putObject(name);
    t.put("dtype", "F32");
    var dims = t.putArray("shape");
    long count = 1;
    for (int d : shape) {
      dims.add(d);
      count *= d;
    }
    t.putArray("data_offsets").add(4L * offset).add(4L * (offset + count));
  }

  /** Reads a file written by {@link #encode} or by another safetensors writer with the same tensors. */
  public static Decoded decode(byte[] bytes) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException("safetensors: " + bytes.length + " bytes, too short for the header length");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = in.getLong();
    if (n < 2 || n > MAX_HEADER_BYTES || n > bytes.length - 8) {
      throw new IllegalArgumentException("safetensors: header length " + Long.toUnsignedString(n) + " does not fit "
          + "in " + bytes.length + " bytes (at most " + MAX_HEADER_BYTES + ")");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("safetensors: the header is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (header == null || !header.isObject()) {
      throw new IllegalArgumentException("safetensors: the header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = header.get("__metadata__");
    if (meta != null) {
      if (!meta.isObject()) {
        throw new IllegalArgumentException("safetensors: __metadata__ is not an object of strings");
      }
      for (Map.Entry<String, JsonNode> e : meta.properties()) {
        if (!e.getValue().isString()) {
          throw new IllegalArgumentException("safetensors: __metadata__ value of " + e.getKey() + " is not a string");
        }
        metadata.put(e.getKey(), e.getValue().asString());
      }
    }
    LayerSizes sizes = shape(header);
    long data = bytes.length - 8 - n;
    if (data != 4L * sizes.parameterCount()) {
      throw new IllegalArgumentException("safetensors: " + data + " bytes of data, the tensors take "
          + 4L * sizes.parameterCount());
    }
    List<Placement> placements = new ArrayList<>();
    for (int l = 1; l <= sizes.depth(); l++) {
      placements.add(placement(header, "layer" + l + ".weight", sizes.weightOffset(l),
          (long) sizes.size(l) * sizes.size(l - 1)));
      placements.add(placement(header, "layer" + l + ".bias", sizes.biasOffset(l), sizes.size(l)));
    }
    placements.sort((a, b) -> Long.compare(a.start(), b.start()));
    long next = 0;
    for (Placement p : placements) {
      if (p.start() != next) {
        throw new IllegalArgumentException("safetensors: " + p.name() + " starts at byte " + p.start() + " of the data, "
            + "expected " + next + " (the tensors must cover the data without gaps or overlaps)");
      }
      next = p.start() + 4 * p.count();
    }
    float[] params = new float[sizes.parameterCount()];
    java.nio.FloatBuffer floats = ByteBuffer.wrap(bytes, 8 + (int) n, (int) data).slice()
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (Placement p : placements) {
      floats.get((int) (p.start() / 4), params, p.offset(), (int) p.count());
    }
    return new Decoded(metadata, sizes, params);
  }

  /** Where a tensor's {@code count} values are in the data ({@code start}, bytes) and in the model ({@code offset}). */
  private record Placement(String name, long start, int offset, long count) {}

  /** The layer sizes the header's tensors describe; their offsets must be the engine's layout exactly. */
  private static LayerSizes shape(JsonNode header) {
    int layers = 0;
    for (Iterator<String> names = header.propertyNames().iterator(); names.hasNext();) {
      String name = names.next();
      if (!name.equals("__metadata__")) {
        if (!name.matches("layer[1-9][0-9]{0,3}\\.(weight|bias)")) {
          throw new IllegalArgumentException("safetensors: unexpected tensor '" + name + "': expected layerL.weight "
              + "and layerL.bias");
        }
        layers = Math.max(layers, Integer.parseInt(name.substring(5, name.indexOf('.'))));
      }
    }
    if (layers == 0 || header.size() - (header.has("__metadata__") ? 1 : 0) != 2 * layers) {
      throw new IllegalArgumentException("safetensors: expected layerL.weight and layerL.bias for every layer L from 1"
          + ", got " + (layers == 0 ? "no tensors" : "an incomplete set"));
    }
    List<Integer> widths = new ArrayList<>();
    for (int l = 1; l <= layers; l++) {
      long[] w = dims(header, "layer" + l + ".weight", 2);
      long[] b = dims(header, "layer" + l + ".bias", 1);
      if (l == 1) {
        widths.add(positive(w[1], "layer1.weight"));
      } else if (w[1] != widths.get(l - 1)) {
        throw new IllegalArgumentException("safetensors: layer" + l + ".weight takes " + w[1] + " inputs, layer"
            + (l - 1) + " gives " + widths.get(l - 1));
      }
      if (b[0] != w[0]) {
        throw new IllegalArgumentException("safetensors: layer" + l + ".bias has " + b[0] + " values for " + w[0]
            + " outputs");
      }
      widths.add(positive(w[0], "layer" + l + ".weight"));
    }
    LayerSizes sizes;
    try {
      sizes = LayerSizes.of(widths.stream().mapToInt(Integer::intValue).toArray());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("safetensors: no model of layer sizes " + widths + " (" + e.getMessage()
          + ")", e);
    }
    return sizes;
  }

  private static int positive(long v, String name) {
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("safetensors: " + name + " has a dimension of " + v);
    }
    return (int) v;
  }

  private static long[] dims(JsonNode header, String name, int rank) {
    JsonNode t = header.get(name);
    if (t == null || !t.isObject()) {
      throw new IllegalArgumentException("safetensors: no tensor " + name);
    }
    if (!"F32".equals(t.path("dtype").asString(null))) {
      throw new IllegalArgumentException("safetensors: " + name + " has dtype " + t.path("dtype") + ", expected F32");
    }
    JsonNode shape = t.get("shape");
    if (shape == null || !shape.isArray() || shape.size() != rank) {
      throw new IllegalArgumentException("safetensors: " + name + " needs a shape of " + rank + " dimension(s), got "
          + shape);
    }
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      if (!shape.get(i).isIntegralNumber() || !shape.get(i).canConvertToLong()) {
        throw new IllegalArgumentException("safetensors: " + name + " has shape " + shape);
      }
      out[i] = shape.get(i).asLong();
    }
    return out;
  }

  /** Where tensor {@code name} of {@code count} values sits: its {@code data_offsets} must span exactly them. */
  private static Placement placement(JsonNode header, String name, int offset, long count) {
    JsonNode o = header.get(name).get("data_offsets");
    if (o == null || !o.isArray() || o.size() != 2 || !o.get(0).isIntegralNumber() || !o.get(1).isIntegralNumber()
        || !o.get(0).canConvertToLong() || !o.get(1).canConvertToLong()) {
      throw new IllegalArgumentException("safetensors: " + name + " needs data_offsets [start, end], got " + o);
    }
    long start = o.get(0).asLong();
    long end = o.get(1).asLong();
    if (start < 0 || end - start != 4 * count) {
      throw new IllegalArgumentException("safetensors: " + name + " has data_offsets " + o + ", " + (end - start)
          + " bytes for " + count + " float32 values");
    }
    return new Placement(name, start, offset, count);
  }

  /** The binary form of a global model. */
  public static byte[] encode(GlobalModel m) {
    return encode(metadata(m), LayerSizes.of(m.layerSizes()), m.weights());
  }

  /** Writes the binary form of a global model to {@code out} a chunk at a time ({@link #write}). */
  public static long write(GlobalModel m, OutputStream out) throws IOException {
    return write(metadata(m), LayerSizes.of(m.layerSizes()), m.weights(), out);
  }

  /** The size in bytes of a global model's binary form. */
  public static long size(GlobalModel m) {
    return size(metadata(m), LayerSizes.of(m.layerSizes()), m.weights());
  }

  private static Map<String, String> metadata(GlobalModel m) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT, GLOBAL_MODEL);
    meta.put("round", Integer.toString(m.round()));
    meta.put("rounds", Integer.toString(m.rounds()));
    meta.put("state", m.state().name());
    if (m.plan() != null) {
      meta.put("plan", JSON.writeValueAsString(m.plan()));
    }
    meta.put("submitted", Boolean.toString(m.submitted()));
    meta.put("evaluated", Boolean.toString(m.evaluated()));
    if (m.picked() != null) {
      meta.put("picked", Boolean.toString(m.picked()));
    }
    return meta;
  }

  /** A global model from its binary form. */
  public static GlobalModel globalModel(byte[] bytes) {
    Decoded d = decode(bytes);
    Fields f = new Fields(d.metadata(), GLOBAL_MODEL);
    TrainingPlan plan = null;
    String planJson = f.optional("plan");
    if (planJson != null) {
      try {
        plan = JSON.readValue(planJson, TrainingPlan.class);
      } catch (JacksonException e) {
        throw new IllegalArgumentException("safetensors: metadata plan is not a training plan ("
            + e.getOriginalMessage() + ")", e);
      }
    }
    RunState state;
    try {
      state = RunState.valueOf(f.required("state"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors: metadata state '" + f.required("state") + "' is not a run "
          + "state", e);
    }
    String picked = f.optional("picked");
    return new GlobalModel(f.integer("round"), f.integer("rounds"), state, d.sizes().toArray(), d.params(), plan,
        f.bool("submitted"), f.bool("evaluated"), picked == null ? null : f.bool("picked"));
  }

  /** The binary form of a client's update. */
  public static byte[] encode(ClientUpdate u) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(FORMAT, CLIENT_UPDATE);
    meta.put("clientId", u.clientId());
    meta.put("numSamples", Long.toString(u.numSamples()));
    meta.put("trainLoss", Double.toString(u.trainLoss()));
    meta.put("trainAccuracy", Double.toString(u.trainAccuracy()));
    if (!u.epochs().isEmpty()) {
      meta.put("epochs", Wire.epochs(u.epochs()));
    }
    return encode(meta, LayerSizes.of(u.layerSizes()), u.weights());
  }

  /** A client's update from its binary form. */
  public static ClientUpdate clientUpdate(byte[] bytes) {
    Decoded d = decode(bytes);
    Fields f = new Fields(d.metadata(), CLIENT_UPDATE);
    List<ClientUpdate.Epoch> epochs;
    try {
      epochs = f.optional("epochs") == null ? List.of() : Wire.epochs(f.optional("epochs"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors: metadata epochs: " + e.getMessage(), e);
    }
    return new ClientUpdate(f.required("clientId"), f.longInteger("numSamples"), d.sizes().toArray(), d.params(),
        f.decimal("trainLoss"), f.decimal("trainAccuracy"), epochs);
  }

  /** The metadata of a record, read strictly. */
  private record Fields(Map<String, String> meta, String format) {
    Fields {
      if (!format.equals(meta.get(FORMAT))) {
        throw new IllegalArgumentException("safetensors: metadata format is " + (meta.get(FORMAT) == null ? "missing"
            : "'" + meta.get(FORMAT) + "'") + ", expected '" + format + "'");
      }
    }

    String optional(String name) {
      return meta.get(name);
    }

    String required(String name) {
      String v = meta.get(name);
      if (v == null) {
        throw new IllegalArgumentException("safetensors: metadata " + name + " is missing");
      }
      return v;
    }

    int integer(String name) {
      try {
        return Integer.parseInt(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a whole number", e);
      }
    }

    long longInteger(String name) {
      try {
        return Long.parseLong(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a whole number", e);
      }
    }

    double decimal(String name) {
      try {
        return Double.parseDouble(required(name));
      } catch (NumberFormatException e) {
        throw bad(name, "a number", e);
      }
    }

    boolean bool(String name) {
      String v = required(name);
      if (!v.equals("true") && !v.equals("false")) {
        throw bad(name, "true or false", null);
      }
      return Boolean.parseBoolean(v);
    }

    private IllegalArgumentException bad(String name, String what, Exception cause) {
      return new IllegalArgumentException("safetensors: metadata " + name + " '" + meta.get(name) + "' is not "
          + what, cause);
    }
  }
}
