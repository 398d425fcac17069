package dev.fedlearn.data;

/**
 * Network inputs: {@code size()} samples of {@code dim()} floats in one row-major array, with their labels. The
 * training loops index it directly ({@code x()[i * dim]}).
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
}
