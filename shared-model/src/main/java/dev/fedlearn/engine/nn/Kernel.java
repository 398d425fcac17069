package dev.fedlearn.engine.nn;

/**
 * The inner loops of the network, over flat row-major arrays. Everything else (layer order, activations, softmax,
 * deltas) lives in {@link Network} and is shared by all kernels.
 *
 * <p>Every implementation computes <em>bit-identical</em> results: dot products use the canonical order defined by
 * {@link ScalarKernel} (16 interleaved partial sums combined by a fixed tree, then the tail in sequence), and the
 * element-wise updates use the same fused multiply-adds. So a seed reproduces a run bit for bit whichever kernel
 * the machine runs, and the fast kernel is tested for equality against the plain one.
 *
 * <p>Implementations are stateless apart from scratch space and allocate nothing.
 */
public interface Kernel {
  /** Number of interleaved partial sums of the canonical dot product. */
  int LANES = 16;

  String name();

  /** {@code W(rows,cols) @ x(cols) + b(rows) -> y(rows)}, W at {@code p[wOff]}, b at {@code p[bOff]}. */
  void affine(float[] p, int wOff, int bOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

  /** {@code W(rows,cols)^T @ d(rows) -> out(cols)}: the error sent back through a layer. */
  void backprop(float[] p, int wOff, int rows, int cols, float[] d, int dOff, float[] out, int outOff);

  /**
   * One momentum-SGD step of one layer for one sample (batch size 1), gradient fused in: for every weight
   * {@code g = d[o]*x[i] + l2*w; v = m*v + (1-m)*g; w = keep*w - lr*v} (see {@link LayerStep}); biases the same
   * with {@code g = d[o]} and no {@code l2}.
   */
  void momentumStep(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d, int dOff,
      float[] x, int xOff, LayerStep s);

  /**
   * {@link #momentumStep}, then with the updated weights {@code W @ xNext + b -> y}: the next sample's affine
   * computed in the same pass over the weights, which the update has to read and write anyway. The result equals
   * the two calls one after the other, bit for bit.
   */
  default void momentumStepThenAffine(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d,
      int dOff, float[] x, int xOff, LayerStep s, float[] xNext, int xNextOff, float[] y,
      int yOff) {
    momentumStep(p, v, wOff, bOff, rows, cols, d, dOff, x, xOff, s);
    affine(p, wOff, bOff, rows, cols, xNext, xNextOff, y, yOff);
  }

  /**
   * One momentum-SGD step of one layer from a whole batch, its gradient summed on the fly: for every weight
   * {@code G = sum over s of d_s[o] * x_s[i]} (in sample order, fused multiply-adds from zero), then the step of
   * {@link #applyGradient} with {@code G * scale}; biases sum {@code d_s[o]}. Equal, bit for bit, to
   * {@link #accumulate} for each sample into a zeroed buffer followed by {@link #applyGradient}.
   *
   * @param d the batch's deltas, sample {@code s} at {@code d[s * rows ..]}
   * @param xs the arrays holding each sample's input; {@code xOffs[s]} its offset
   */
  default void batchStep(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d, int n,
      float[][] xs, int[] xOffs, float scale, LayerStep s) {
    for (int o = 0; o < rows; o++) {
      batchColumns(p, v, wOff + o * cols, o, rows, 0, cols, d, n, xs, xOffs, scale, s);
    }
    batchBiasStep(p, v, bOff, rows, d, n, scale, s);
  }

  /** {@link #batchStep} for the columns {@code [from, to)} of row {@code o} (at {@code row}), one at a time. */
  static void batchColumns(float[] p, float[] v, int row, int o, int rows, int from, int to, float[] d, int n,
      float[][] xs, int[] xOffs, float scale, LayerStep s) {
    for (int i = from; i < to; i++) {
      float g = 0f;
      for (int k = 0; k < n; k++) {
        g = Math.fma(xs[k][xOffs[k] + i], d[k * rows + o], g);
      }
      ScalarKernel.momentumWeight(p, v, row + i, g * scale, s);
    }
  }

  /** The bias part of {@link #batchStep}. */
  static void batchBiasStep(float[] p, float[] v, int bOff, int rows, float[] d, int n, float scale,
      LayerStep s) {
    for (int o = 0; o < rows; o++) {
      float g = 0f;
      for (int k = 0; k < n; k++) {
        g += d[k * rows + o];
      }
      ScalarKernel.momentumBias(p, v, bOff + o, g * scale, s);
    }
  }

  /** {@code G(rows,cols) += d(rows) (x) x(cols)} and {@code Gb += d}: one sample's gradient added to a batch sum. */
  void accumulate(float[] g, int wOff, int bOff, int rows, int cols, float[] d, int dOff, float[] x, int xOff);

  /**
   * One momentum-SGD step of one layer from a summed batch gradient: {@code g = G*scale + l2*w; v = m*v + (1-m)*g;
   * w = keep*w - lr*v} (biases without {@code l2}), then clears {@code G} for the next batch.
   */
  void applyGradient(float[] p, float[] v, float[] g, int wOff, int bOff, int rows, int cols, float scale,
      LayerStep s);

  /**
   * The two sums of the factored first layer's forward pass ({@link SparseFirstLayer}) over a sample's non-zero
   * inputs {@code k} in {@code [from, to)}: {@code accU[o] = sum of value[k] * u[index[k]*width + o]} and the same for
   * {@code z} into {@code accZ}, for {@code o < width}, each a chain of fused multiply-adds from zero in {@code k}
   * order. {@code width} is a multiple of 8.
   */
  void sparseAffine(float[] u, float[] z, int width, int[] index, float[] value, int from, int to, float[] accU,
      float[] accZ);

  /**
   * The factored first layer's gradient step over a sample's non-zero inputs: for {@code k} in {@code [from, to)}
   * and {@code o < width}, {@code u[r+o] = fma(ca*value[k], d[o], u[r+o])} and {@code z[r+o] = fma(cc*value[k], d[o],
   * z[r+o])} with {@code r = index[k]*width}. {@code width} is a multiple of 8.
   */
  void sparseUpdate(float[] u, float[] z, int width, int[] index, float[] value, int from, int to, float[] d,
      float ca, float cc);
}
