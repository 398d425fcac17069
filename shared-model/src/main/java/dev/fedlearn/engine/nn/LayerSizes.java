package dev.fedlearn.engine.nn;

import dev.fedlearn.Defaults;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The shape of a fully connected network and the layout of its parameters in one flat vector.
 *
 * <p>Layer {@code l} (1-based, {@code 1..depth()}) maps {@code size(l-1)} inputs to {@code size(l)} outputs. Its
 * weights {@code W_l(out,in)} are stored row-major at {@link #weightOffset(int)}, {@code W[o*in + i]}, followed by
 * its biases {@code b_l(out)} at {@link #biasOffset(int)}. Layers follow one another, so the whole model is one
 * {@code float[]} of {@link #parameterCount()} values: averaging and transport are single loops.
 */
public final class LayerSizes {
  /** The product's network: 784 inputs, hidden layers of 20 and 15, 10 classes. */
  public static final LayerSizes DEFAULT = parse(Defaults.LAYERS);

  private final int[] sizes;
  private final int[] weightOffsets;
  private final int[] biasOffsets;
  private final int parameterCount;

  private LayerSizes(int[] sizes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("a network needs at least an input and an output layer, got " + Arrays.toString(sizes));
    }
    for (int s : sizes) {
      if (s < 1) {
        throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
      }
    }
    if (sizes[sizes.length - 1] < 2) {
      throw new IllegalArgumentException("the output layer needs at least 2 classes, got " + Arrays.toString(sizes));
    }
    this.sizes = sizes.clone();
    this.weightOffsets = new int[sizes.length];
    this.biasOffsets = new int[sizes.length];
    long offset = 0;
    for (int l = 1; l < sizes.length; l++) {
      weightOffsets[l] = Math.toIntExact(offset);
      offset += (long) sizes[l] * sizes[l - 1];
      if (offset + sizes[l] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a network of " + Arrays.toString(sizes) + " has more than "
            + Integer.MAX_VALUE + " parameters");
      }
      biasOffsets[l] = Math.toIntExact(offset);
      offset += sizes[l];
    }
    this.parameterCount = Math.toIntExact(offset);
  }

  public static LayerSizes of(int... sizes) {
    return new LayerSizes(sizes);
  }

  /** Parses {@code "784,20,15,10"}. */
  public static LayerSizes parse(String text) {
    try {
      return of(Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("layer sizes must be comma-separated whole numbers, got '" + text + "'");
    }
  }

  /** Number of weight layers (3 for 784,20,15,10). */
  public int depth() {
    return sizes.length - 1;
  }

  /** Width of layer {@code l}; 0 is the input. */
  public int size(int l) {
    return sizes[l];
  }

  public int inputs() {
    return sizes[0];
  }

  public int classes() {
    return sizes[sizes.length - 1];
  }

  public int weightOffset(int l) {
    return weightOffsets[l];
  }

  public int biasOffset(int l) {
    return biasOffsets[l];
  }

  public int parameterCount() {
    return parameterCount;
  }

  /** Name of the layer a parameter index belongs to, for reports: {@code W1[3,17]} or {@code b2[4]}. */
  public String describe(int parameter) {
    for (int l = 1; l <= depth(); l++) {
      int w = weightOffsets[l];
      int b = biasOffsets[l];
      if (parameter >= w && parameter < b) {
        int local = parameter - w;
        return "W" + l + "[" + local / sizes[l - 1] + "," + local % sizes[l - 1] + "]";
      }
      if (parameter >= b && parameter < b + sizes[l]) {
        return "b" + l + "[" + (parameter - b) + "]";
      }
    }
    throw new IndexOutOfBoundsException("parameter " + parameter + " of " + parameterCount);
  }

  public int[] toArray() {
    return sizes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerSizes other && Arrays.equals(sizes, other.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }
}
