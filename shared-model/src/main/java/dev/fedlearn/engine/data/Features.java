package dev.fedlearn.engine.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Network inputs: {@code size()} samples of {@code dim()} floats in one row-major array, with their labels. The
 * training loops index it directly ({@code x()[i * dim]}). Equal when every component is, the arrays compared
 * element by element; {@link #toString} gives the shape, not the data.
 */
public record Features(float[] x, byte[] labels, int dim, int classes) {
  public Features {
    if ((long) labels.length * dim != x.length) {
      throw new IllegalArgumentException(labels.length + " labels do not match " + x.length + " inputs of " + dim);
    }
  }

  public int size() {
    return labels.length;
  }

  public int label(int i) {
    return labels[i];
  }

  public int offset(int i) {
    return i * dim;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features f && dim == f.dim && classes == f.classes && Arrays.equals(labels, f.labels)
        && Arrays.equals(x, f.x);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(x), Arrays.hashCode(labels), dim, classes);
  }

  @Override
  public String toString() {
    return "Features[" + labels.length + " samples of " + dim + " inputs, " + classes + " classes]";
  }

  /** The samples of every part, in order (at least one part, all of the same shape). */
  public static Features concatenate(java.util.List<Features> parts) {
    int n = parts.stream().mapToInt(Features::size).sum();
    Features first = parts.get(0);
    float[] x = new float[n * first.dim()];
    byte[] labels = new byte[n];
    int at = 0;
    for (Features f : parts) {
      System.arraycopy(f.x(), 0, x, at * first.dim(), f.x().length);
      System.arraycopy(f.labels(), 0, labels, at, f.size());
      at += f.size();
    }
    return new Features(x, labels, first.dim(), first.classes());
  }
}
