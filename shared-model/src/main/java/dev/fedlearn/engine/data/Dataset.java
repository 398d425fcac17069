package dev.fedlearn.engine.data;

import java.util.Objects;

/**
 * Labelled samples as they come from the files, row-major per sample, with labels {@code 0..classes-1}: images
 * (unsigned 8-bit pixels, {@link #features(float)} scales them) or a table (finite numbers, {@link #table}; its
 * {@link Standardization} scales them). Immutable.
 */
public final class Dataset {
  /** Pixels per MNIST image (28 x 28). */
  public static final int MNIST_PIXELS = 784;
  /** MNIST classes. */
  public static final int MNIST_CLASSES = 10;

  private final byte[] pixels; // images, else null
  private final float[] values; // a table, else null
  private final byte[] labels;
  private final int dim;
  private final int classes;

  public Dataset(byte[] pixels, byte[] labels, int dim, int classes) {
    this(Objects.requireNonNull(pixels), null, labels, dim, classes, pixels.length);
  }

  private Dataset(byte[] pixels, float[] values, byte[] labels, int dim, int classes, int length) {
    this.pixels = pixels;
    this.values = values;
    this.labels = Objects.requireNonNull(labels);
    if (dim < 1 || (long) labels.length * dim != length) {
      throw new IllegalArgumentException(labels.length + " labels do not match " + length + " values of "
          + dim + " per sample");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is not in 0.." + (classes - 1));
      }
    }
    this.dim = dim;
    this.classes = classes;
  }

  /** A table: {@code dim} finite numbers per sample, row-major. */
  public static Dataset table(float[] values, byte[] labels, int dim, int classes) {
    return new Dataset(null, Objects.requireNonNull(values), labels, dim, classes, values.length);
  }

  /** Whether the samples are a table's rows rather than images. */
  public boolean isTable() {
    return values != null;
  }

  public int size() {
    return labels.length;
  }

  public int dim() {
    return dim;
  }

  public int classes() {
    return classes;
  }

  public int label(int i) {
    return labels[i];
  }

  /** Pixel {@code j} of sample {@code i}, 0..255. */
  public int pixel(int i, int j) {
    return pixels[i * dim + j] & 0xFF;
  }

  /** Value {@code j} of sample {@code i}: the table's number, or the pixel. */
  public float value(int i, int j) {
    return values != null ? values[i * dim + j] : pixels[i * dim + j] & 0xFF;
  }

  /** The samples at the given indices, in that order. */
  public Dataset subset(int[] indices) {
    byte[] p = values == null ? new byte[indices.length * dim] : null;
    float[] v = values == null ? null : new float[indices.length * dim];
    byte[] l = new byte[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (v == null) {
        System.arraycopy(pixels, i * dim, p, k * dim, dim);
      } else {
        System.arraycopy(values, i * dim, v, k * dim, dim);
      }
      l[k] = labels[i];
    }
    return v == null ? new Dataset(p, l, dim, classes) : table(v, l, dim, classes);
  }

  /** The first {@code n} samples. */
  public Dataset head(int n) {
    if (n < 0 || n > size()) {
      throw new IllegalArgumentException("asked for " + n + " samples of " + size());
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return subset(idx);
  }

  /** How many samples of each class. */
  public int[] labelCounts() {
    int[] counts = new int[classes];
    for (byte b : labels) {
      counts[b]++;
    }
    return counts;
  }

  /** Network inputs {@code (pixel + offset) / 255} of images. */
  public Features features(float offset) {
    if (values != null) {
      throw new IllegalStateException("a table's inputs are standardized, not scaled as pixels");
    }
    float[] x = new float[pixels.length];
    for (int j = 0; j < pixels.length; j++) {
      x[j] = ((pixels[j] & 0xFF) + offset) / 255f;
    }
    return new Features(x, labels.clone(), dim, classes);
  }

  /** A table's network inputs, each column standardized by {@code s}. */
  public Features features(Standardization s) {
    if (values == null) {
      throw new IllegalStateException("images are scaled as pixels, not standardized");
    }
    return new Features(s.apply(values), labels.clone(), dim, classes);
  }
}
