package dev.fedlearn.wire;

import dev.fedlearn.nn.LayerSizes;
import dev.fedlearn.nn.Model;

/** Checks shared by the wire records. */
final class Wire {
  private Wire() {}

  static Model model(int[] layerSizes, float[] weights) {
    if (layerSizes == null || weights == null) {
      throw new IllegalArgumentException("layerSizes and weights are required");
    }
    return new Model(LayerSizes.of(layerSizes), weights);
  }

  /** How a weight vector shows in a record's {@code toString}: its length, not its values. */
  static String length(float[] weights) {
    return weights == null ? "null" : "float[" + weights.length + "]";
  }
}
