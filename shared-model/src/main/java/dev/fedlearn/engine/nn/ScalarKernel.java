package dev.fedlearn.engine.nn;

/**
 * The plain reference kernel: readable loops that define the exact order of every floating-point operation. The
 * fast kernel must match it bit for bit.
 */
public final class ScalarKernel implements Kernel {
  private final float[] acc = new float[LANES];

  @Override
  public String name() {
    return "scalar";
  }

  /** The canonical dot product of {@code w[wOff..wOff+n)} and {@code x[xOff..xOff+n)}. */
  float dot(float[] w, int wOff, float[] x, int xOff, int n) {
    java.util.Arrays.fill(acc, 0f);
    int main = n - n % LANES;
    for (int i = 0; i < main; i += LANES) {
      for (int k = 0; k < LANES; k++) {
        acc[k] = Math.fma(w[wOff + i + k], x[xOff + i + k], acc[k]);
      }
    }
    float s = reduce(acc);
    for (int i = main; i < n; i++) {
      s = Math.fma(w[wOff + i], x[xOff + i], s);
    }
    return s;
  }

  /**
   * The fixed tree that folds 16 partial sums: lanes k and k+8, then k and k+4, k and k+2, then the last two. The
   * first level is done by the caller in the vector kernel, so it only needs lanes 0..7 from the second level on.
   */
  static float reduce(float[] a) {
    for (int k = 0; k < 8; k++) {
      a[k] = a[k] + a[k + 8];
    }
    return reduce8(a);
  }

  static float reduce8(float[] a) {
    float t0 = a[0] + a[4];
    float t1 = a[1] + a[5];
    float t2 = a[2] + a[6];
    float t3 = a[3] + a[7];
    return (t0 + t2) + (t1 + t3);
  }

  @Override
  public void affine(float[] p, int wOff, int bOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    for (int o = 0; o < rows; o++) {
      y[yOff + o] = dot(p, wOff + o * cols, x, xOff, cols) + p[bOff + o];
    }
  }

  @Override
  public void backprop(float[] p, int wOff, int rows, int cols, float[] d, int dOff, float[] out, int outOff) {
    java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
    for (int o = 0; o < rows; o++) {
      float dv = d[dOff + o];
      int row = wOff + o * cols;
      for (int i = 0; i < cols; i++) {
        out[outOff + i] = Math.fma(p[row + i], dv, out[outOff + i]);
      }
    }
  }

  @Override
  public void momentumStep(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d, int dOff,
      float[] x, int xOff, LayerStep s) {
    for (int o = 0; o < rows; o++) {
      momentumRow(p, v, wOff + o * cols, 0, cols, d[dOff + o], x, xOff, s);
      momentumBias(p, v, bOff + o, d[dOff + o], s);
    }
  }

  /**
   * The canonical momentum step of the weights {@code row + i}, {@code i} in {@code [from, to)}, of one row whose
   * delta is {@code d}: {@code g = l2*w + d*x[i]; v = m*v + (1-m)*g; w = keep*w - lr*v}. Kernels use it for their
   * tails.
   */
  static void momentumRow(float[] p, float[] v, int row, int from, int to, float d, float[] x, int xOff,
      LayerStep s) {
    for (int i = from; i < to; i++) {
      momentumWeight(p, v, row + i, d * x[xOff + i], s);
    }
  }

  /**
   * The canonical momentum step of the one weight {@code p[j]} whose loss gradient is {@code g}:
   * {@code v = m*v + (1-m)*(g + l2*w); w = keep*w - lr*v}. Every scalar weight update is this one.
   */
  static void momentumWeight(float[] p, float[] v, int j, float g, LayerStep s) {
    float w = p[j];
    float grad = Math.fma(s.l2(), w, g);
    float vel = Math.fma(s.momentum(), v[j], s.damp() * grad);
    v[j] = vel;
    p[j] = Math.fma(-s.lr(), vel, s.keep() * w);
  }

  /** The canonical momentum step of one bias with gradient {@code g} (no {@code l2}, but {@code keep}). */
  static void momentumBias(float[] p, float[] v, int b, float g, LayerStep s) {
    float vel = Math.fma(s.momentum(), v[b], s.damp() * g);
    v[b] = vel;
    p[b] = Math.fma(-s.lr(), vel, s.keep() * p[b]);
  }

  @Override
  public void accumulate(float[] g, int wOff, int bOff, int rows, int cols, float[] d, int dOff, float[] x, int xOff) {
    for (int o = 0; o < rows; o++) {
      float dv = d[dOff + o];
      int row = wOff + o * cols;
      for (int i = 0; i < cols; i++) {
        g[row + i] = Math.fma(x[xOff + i], dv, g[row + i]);
      }
      g[bOff + o] += dv;
    }
  }

  @Override
  public void applyGradient(float[] p, float[] v, float[] g, int wOff, int bOff, int rows, int cols, float scale,
      LayerStep s) {
    gradientWeights(p, v, g, wOff, wOff + rows * cols, scale, s);
    gradientBiases(p, v, g, bOff, rows, scale, s);
  }

  /** The canonical step of weights {@code [from, to)} from a summed gradient, which is cleared. */
  static void gradientWeights(float[] p, float[] v, float[] g, int from, int to, float scale, LayerStep s) {
    for (int j = from; j < to; j++) {
      momentumWeight(p, v, j, g[j] * scale, s);
      g[j] = 0f;
    }
  }

  /** The canonical step of {@code rows} biases from a summed gradient, which is cleared. */
  static void gradientBiases(float[] p, float[] v, float[] g, int bOff, int rows, float scale, LayerStep s) {
    for (int j = bOff; j < bOff + rows; j++) {
      momentumBias(p, v, j, g[j] * scale, s);
      g[j] = 0f;
    }
  }

  @Override
  public void sparseAffine(float[] u, float[] z, int width, int[] index, float[] value, int from, int to,
      float[] accU, float[] accZ) {
    java.util.Arrays.fill(accU, 0, width, 0f);
    java.util.Arrays.fill(accZ, 0, width, 0f);
    for (int k = from; k < to; k++) {
      float xi = value[k];
      int row = index[k] * width;
      for (int o = 0; o < width; o++) {
        accU[o] = Math.fma(xi, u[row + o], accU[o]);
        accZ[o] = Math.fma(xi, z[row + o], accZ[o]);
      }
    }
  }

  @Override
  public void sparseUpdate(float[] u, float[] z, int width, int[] index, float[] value, int from, int to, float[] d,
      float ca, float cc) {
    for (int k = from; k < to; k++) {
      float fa = ca * value[k];
      float fc = cc * value[k];
      int row = index[k] * width;
      for (int o = 0; o < width; o++) {
        u[row + o] = Math.fma(fa, d[o], u[row + o]);
        z[row + o] = Math.fma(fc, d[o], z[row + o]);
      }
    }
  }
}
