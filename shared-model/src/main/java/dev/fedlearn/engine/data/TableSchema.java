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
  /** At most this many feature columns. */
  public static final int MAX_FEATURES = 10_000;
  /** The longest name of a column or a class. */
  public static final int MAX_NAME = 80;

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
    if (features.size() > MAX_FEATURES) {
      throw new IllegalArgumentException("a table may have at most " + MAX_FEATURES + " feature columns, got "
          + features.size());
    }
    for (String name : concat(label, features, classes)) {
      if (name.isEmpty() || name.length() > MAX_NAME) {
        throw new IllegalArgumentException("a column's or a class's name must be 1 to " + MAX_NAME
            + " characters, got '" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
      }
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

  private static List<String> concat(String label, List<String> features, List<String> classes) {
    List<String> all = new java.util.ArrayList<>(features);
    all.add(label);
    all.addAll(classes);
    return all;
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
