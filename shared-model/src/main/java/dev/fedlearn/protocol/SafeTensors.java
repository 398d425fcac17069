package dev.fedlearn.protocol;

import dev.fedlearn.engine.nn.LayerSizes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
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
 * the reason. This class writes the files; {@link SafeTensorsReader} reads them and {@link SafeTensorsMetadata} maps
 * the records to and from their metadata.
 */
public final class SafeTensors {
  public static final String MEDIA_TYPE = "application/octet-stream";
  /** The largest header accepted: a model of a few hundred layers with its metadata fits many times over. */
  public static final int MAX_HEADER_BYTES = 1 << 20;
  /** The {@code __metadata__} entry that says which record the file holds. */
  static final String FORMAT = "format";
  static final String GLOBAL_MODEL = "fedlearn.global-model";
  static final String CLIENT_UPDATE = "fedlearn.client-update";

  /** Writes and reads the header, and the training plan in a global model's metadata. */
  static final JsonMapper JSON = JsonMapper.builder().build();

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
    return SafeTensorsReader.decode(bytes);
  }

  /** The binary form of a global model. */
  public static byte[] encode(GlobalModel m) {
    return encode(SafeTensorsMetadata.of(m), LayerSizes.of(m.layerSizes()), m.weights());
  }

  /** Writes the binary form of a global model to {@code out} a chunk at a time ({@link #write}). */
  public static long write(GlobalModel m, OutputStream out) throws IOException {
    return write(SafeTensorsMetadata.of(m), LayerSizes.of(m.layerSizes()), m.weights(), out);
  }

  /** The size in bytes of a global model's binary form. */
  public static long size(GlobalModel m) {
    return size(SafeTensorsMetadata.of(m), LayerSizes.of(m.layerSizes()), m.weights());
  }

  /** A global model from its binary form. */
  public static GlobalModel globalModel(byte[] bytes) {
    return SafeTensorsMetadata.globalModel(decode(bytes));
  }

  /** The binary form of a client's update. */
  public static byte[] encode(ClientUpdate u) {
    return encode(SafeTensorsMetadata.of(u), LayerSizes.of(u.layerSizes()), u.weights());
  }

  /** A client's update from its binary form. */
  public static ClientUpdate clientUpdate(byte[] bytes) {
    return SafeTensorsMetadata.clientUpdate(decode(bytes));
  }
}
