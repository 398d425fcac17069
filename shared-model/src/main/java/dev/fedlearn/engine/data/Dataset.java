package dev.fedlearn.engine.data;

import java.util.Objects;

/**
 * Labelled images as they come from the files: unsigned 8-bit pixels, row-major per image, and labels
 * {@code 0..classes-1}. Immutable; {@link #features(float)} turns it into network inputs.
 */
public final class Dataset {
  /** Pixels per MNIST image (28 x 28). */
  public static final int MNIST_PIXELS = 784;
  /** MNIST classes. */
  public static final int MNIST_CLASSES = 10;

  private final byte[] pixels;
  private final byte[] labels;
  private final int dim;
  private final int classes;

  public Dataset(byte[] pixels, byte[] labels, int dim, int classes) {
    this.pixels = Objects.requireNonNull(pixels);
    this.labels = Objects.requireNonNull(labels);
    if (dim < 1 || (long) labels.length * dim != pixels.length) {
      throw new IllegalArgumentException(labels.length + " labels do not match " + pixels.length + " pixels of "
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

  /** The samples at the given indices, in that order. */
  public Dataset subset(int[] indices) {
    byte[] p = new byte[indices.length * dim];
    byte[] l = new byte[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      System.arraycopy(pixels, i * dim, p, k * dim, dim);
      l[k] = labels[i];
    }
    return new Dataset(p, l, dim, classes);
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

  /** Network inputs {@code (pixel + offset) / 255}. */
  public Features features(float offset) {
    float[] x = new float[pixels.length];
    for (int j = 0; j < pixels.length; j++) {
      x[j] = ((pixels[j] & 0xFF) + offset) / 255f;
    }
    return new Features(x, labels.clone(), dim, classes);
  }
}
