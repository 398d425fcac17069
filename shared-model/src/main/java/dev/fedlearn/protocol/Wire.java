package dev.fedlearn.protocol;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import java.util.ArrayList;
import java.util.List;

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

  /** Per-epoch figures as one metadata string: {@code loss,accuracy} per epoch, in order, separated by {@code ;}. */
  static String epochs(List<ClientUpdate.Epoch> epochs) {
    StringBuilder b = new StringBuilder();
    for (ClientUpdate.Epoch e : epochs) {
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(e.loss()).append(',').append(e.accuracy());
    }
    return b.toString();
  }

  /** Per-epoch figures from {@link #epochs(List)}'s string, numbered from 1. */
  static List<ClientUpdate.Epoch> epochs(String text) {
    List<ClientUpdate.Epoch> epochs = new ArrayList<>();
    if (text.isEmpty()) {
      return epochs;
    }
    for (String pair : text.split(";", -1)) {
      int comma = pair.indexOf(',');
      if (comma < 0) {
        throw new IllegalArgumentException("'" + pair + "' is not loss,accuracy");
      }
      try {
        epochs.add(new ClientUpdate.Epoch(epochs.size() + 1, Double.parseDouble(pair.substring(0, comma)),
            Double.parseDouble(pair.substring(comma + 1))));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + pair + "' is not loss,accuracy", e);
      }
    }
    return epochs;
  }
}
