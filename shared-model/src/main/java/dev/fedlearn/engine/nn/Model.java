package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Seeds;
import java.util.Arrays;
import java.util.Objects;

/** A network's shape and its parameters as one flat vector (see {@link LayerSizes} for the layout). */
public final class Model {
  private final LayerSizes sizes;
  private final float[] params;

  public Model(LayerSizes sizes, float[] params) {
    this.sizes = Objects.requireNonNull(sizes);
    this.params = Objects.requireNonNull(params);
    if (params.length != sizes.parameterCount()) {
      throw new IllegalArgumentException("layer sizes " + sizes + " take " + sizes.parameterCount()
          + " parameters, got " + params.length);
    }
  }

  /** A new model initialised as the preset says, from the given seed. */
  public static Model initialise(LayerSizes sizes, Preset preset, long seed) {
    float[] p = new float[sizes.parameterCount()];
    preset.initialiser().fill(sizes, p, Seeds.derive(seed, Seeds.INIT));
    return new Model(sizes, p);
  }

  public LayerSizes sizes() {
    return sizes;
  }

  /** The live parameter vector (not a copy). */
  public float[] params() {
    return params;
  }

  public Model copy() {
    return new Model(sizes, params.clone());
  }

  /** Whether every parameter is a finite number. */
  public boolean isFinite() {
    for (float v : params) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Model m && sizes.equals(m.sizes) && Arrays.equals(params, m.params);
  }

  @Override
  public int hashCode() {
    return 31 * sizes.hashCode() + Arrays.hashCode(params);
  }

  @Override
  public String toString() {
    return "Model[" + sizes + ", " + params.length + " parameters]";
  }
}
