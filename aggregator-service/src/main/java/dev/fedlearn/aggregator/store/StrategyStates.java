package dev.fedlearn.aggregator.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strategy's state as bytes: per entry, in name order, the name's UTF-8 length and bytes, the vector's length and
 * its little-endian float32 values (every length a little-endian int32). Null stays null.
 */
final class StrategyStates {
  private StrategyStates() {}

  static byte[] encode(Map<String, float[]> state) {
    if (state == null) {
      return null;
    }
    Map<String, float[]> sorted = new TreeMap<>(state);
    int size = 0;
    for (Map.Entry<String, float[]> e : sorted.entrySet()) {
      size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 * e.getValue().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, float[]> e : sorted.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      b.putInt(name.length).put(name).putInt(e.getValue().length);
      for (float f : e.getValue()) {
        b.putFloat(f);
      }
    }
    return b.array();
  }

  static Map<String, float[]> decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    Map<String, float[]> state = new TreeMap<>();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      byte[] name = new byte[b.getInt()];
      b.get(name);
      float[] v = new float[b.getInt()];
      for (int i = 0; i < v.length; i++) {
        v[i] = b.getFloat();
      }
      state.put(new String(name, StandardCharsets.UTF_8), v);
    }
    return state;
  }
}
