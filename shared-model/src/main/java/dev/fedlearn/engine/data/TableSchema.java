package dev.fedlearn.engine.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a table's rows hold: the label column's name, the feature columns' names in the order the network takes them,
 * and the classes in the order of the network's outputs. A run fixes it, so that every site and the server agree on
 * the columns and on what output {@code k} means.
 */
public record TableSchema(String label, List<String> features, List<String> classes) {
  /** At most this many classes (labels are kept as bytes). */
  public static final int MAX_CLASSES = 127;

  public TableSchema {
    Objects.requireNonNull(label, "label");
    features = List.copyOf(features);
    classes = List.copyOf(classes);
    if (label.isBlank()) {
      throw new IllegalArgumentException("the label column's name is blank");
    }
    if (features.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one feature column besides the label '" + label
          + "'");
    }
    if (new HashSet<>(features).size() != features.size() || features.contains(label)) {
      throw new IllegalArgumentException("the feature columns' names must differ from each other and from the "
          + "label's");
    }
    if (classes.size() < 2 || classes.size() > MAX_CLASSES) {
      throw new IllegalArgumentException("a table needs 2 to " + MAX_CLASSES + " classes, got " + classes.size()
          + (classes.size() == 1 ? " (every row has the label '" + classes.get(0) + "')" : ""));
    }
    if (new HashSet<>(classes).size() != classes.size()) {
      throw new IllegalArgumentException("the classes repeat: " + classes);
    }
  }

  /** The network's input size. */
  public int inputs() {
    return features.size();
  }

  /** The network's output size. */
  public int outputs() {
    return classes.size();
  }
}
