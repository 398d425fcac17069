package dev.fedlearn.protocol;

import static dev.fedlearn.protocol.SafeTensors.JSON;
import static dev.fedlearn.protocol.SafeTensors.MAX_HEADER_BYTES;

import dev.fedlearn.engine.nn.LayerSizes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reading a safetensors file ({@link SafeTensors#decode}) as a hostile sender may have written it: the header length,
 * the JSON header, its metadata, tensors whose shapes chain into a model, and offsets that cover the data exactly.
 * Each check that fails throws {@link IllegalArgumentException} with the reason, prefixed {@code safetensors:}.
 */
final class SafeTensorsReader {
  private SafeTensorsReader() {}

  /** Reads a file, checking all of it (the class comment of {@link SafeTensors} says what). */
  static SafeTensors.Decoded decode(byte[] bytes) {
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
        throw new IllegalArgumentException("safetensors: " + p.name() + " starts at byte " + p.start()
            + " of the data, expected " + next + " (the tensors must cover the data without gaps or overlaps)");
      }
      next = p.start() + 4 * p.count();
    }
    float[] params = new float[sizes.parameterCount()];
    FloatBuffer floats = ByteBuffer.wrap(bytes, 8 + (int) n, (int) data).slice()
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (Placement p : placements) {
      floats.get((int) (p.start() / 4), params, p.offset(), (int) p.count());
    }
    return new SafeTensors.Decoded(metadata, sizes, params);
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
}
