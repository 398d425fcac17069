package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Features;

/**
 * The first layer trained in factored form, so that a step costs time in proportion to the sample's non-zero
 * inputs rather than to all {@code rows * cols} weights. MNIST images are about 81% zeros, and the first layer holds
 * 98% of the weights, so this is where batch-size-1 training spends its time.
 *
 * <h2>Why it is exact</h2>
 * The momentum rule of {@link LayerStep} is linear in each weight's pair {@code (w, v)}, with the same coefficients
 * for every weight: one step is {@code (w, v) <- A (w, v) + b g} with
 * <pre>
 *   A = | keep - lr(1-m)l2   -lr m |      b = | -lr(1-m) |
 *       | (1-m) l2            m    |          |  (1-m)   |
 * </pre>
 * and {@code g = d[o] * x[i]}, zero wherever the input is zero. In the eigenvector basis of {@code A} (eigenvalues
 * {@code mu1 ~ 1}, {@code mu2 ~ m}) every weight is {@code (w, v) = a e1 + c e2}, and applying {@code A} to all
 * weights only multiplies every {@code a} by {@code mu1} and every {@code c} by {@code mu2}. So we store
 * {@code a = su * U} and {@code c = sz * Z} with two shared scale factors: a step multiplies the scales (two
 * numbers) and adds the gradient to the rows of {@code U} and {@code Z} of the sample's non-zero inputs only; the
 * forward pass is {@code W x = su (U^T x) + e2w sz (Z^T x)}, again over the non-zero inputs only. When {@code sz} has
 * shrunk far, it is folded back into {@code Z} (one pass over {@code Z}, every few hundred steps).
 *
 * <p>The arithmetic is that of the dense step; only the rounding differs (in the last bits, which the tests bound
 * against the reference kernel). It is deterministic: the same seed gives the same bits. Biases stay with the
 * dense rule.
 *
 * <p>Lifecycle: {@link #load} factors the layer out of the parameters and velocity, {@link #store} writes it back;
 * between the two, this object holds the layer's truth. {@code U} and {@code Z} are input-major (one row of
 * {@code rows} weights per input, padded to a multiple of 8) so a non-zero input touches contiguous memory.
 */
final class SparseFirstLayer {
  /** Inputs must be at most this share non-zero for the factored form to pay. */
  static final double MAX_DENSITY = 0.5;
  /**
   * The largest condition number of the eigenbasis {@code E} for which the layer is factored (see {@link #condition}).
   * Why 4: the factored form keeps each weight as its coordinates {@code (a, c)} in {@code E}, two floats rounded
   * to within {@code 2^-24} of their size at every step. Mapped back, {@code (w, v) = E (a, c)}, that rounding is an
   * error of up to {@code ||E|| * 2^-24 * |(a, c)| <= cond(E) * 2^-24 * |(w, v)|}, where the dense step rounds
   * {@code w} and {@code v} themselves, to within {@code 2^-24 * |(w, v)|}. So {@code cond(E)} bounds how much
   * larger the factored path's rounding is than the dense path's, and 4 lets it lose at most two of float's 24
   * bits. Measured against a double-precision run (SparseFirstLayerTest), the factored path's error is about
   * {@code cond(E)} times the dense path's: 1.0 at the presets ({@code cond} 1.05 and 1.19), 3.2 at learning
   * rate 0.1 and momentum 0.9 ({@code cond} 3.6), 7.7 at 0.2 and 0.9 ({@code cond} 7.8, refused).
   */
  static final double MAX_CONDITION = 4;
  /**
   * The second eigenvalue ({@code ~ m}) must exceed this: {@code sz} shrinks by it every step, and below it
   * {@code Z} would be folded nearly every step, which is the dense pass the factored form exists to avoid.
   */
  private static final double MIN_MU2 = 1e-3;
  /** When {@code sz} falls below this, it is folded into {@code Z}. */
  private static final double FOLD_BELOW = 0x1p-40;

  private final Kernel kernel;
  private final int rows;
  private final int cols;
  private final int stride;
  private final int wOff;
  private final int bOff;
  private final LayerStep rule;
  // eigen-decomposition of A
  private final double mu1;
  private final double mu2;
  private final double e1v; // e1 = (1, e1v)
  private final double e2w; // e2 = (e2w, 1)
  private final double det; // of [e1 e2]
  private final double betaA; // b = betaA e1 + betaC e2
  private final double betaC;

  private final float[] u;
  private final float[] z;
  private double su = 1;
  private double sz = 1;
  // the current step's coefficients of a gradient in U and in Z (set by advance)
  private float ca;
  private float cc;
  private final float[] accU;
  private final float[] accZ;
  private final float[] d;

  // the training data's non-zero inputs, sample by sample
  private final int[] start;
  private final int[] index;
  private final float[] value;

  private SparseFirstLayer(LayerSizes sizes, LayerStep rule, double[] eigen, Inputs inputs, Kernel kernel) {
    this.kernel = kernel;
    this.rows = sizes.size(1);
    this.cols = sizes.size(0);
    this.stride = (rows + 7) & ~7;
    this.wOff = sizes.weightOffset(1);
    this.bOff = sizes.biasOffset(1);
    this.rule = rule;
    this.mu1 = eigen[0];
    this.mu2 = eigen[1];
    this.e1v = eigen[2];
    this.e2w = eigen[3];
    this.det = 1 - e2w * e1v;
    double bw = -(double) rule.lr() * (1 - (double) rule.momentum());
    double bv = 1 - (double) rule.momentum();
    this.betaA = (bw - e2w * bv) / det;
    this.betaC = (bv - e1v * bw) / det;
    this.u = new float[cols * stride];
    this.z = new float[cols * stride];
    this.accU = new float[stride];
    this.accZ = new float[stride];
    this.d = new float[stride];
    this.start = inputs.start;
    this.index = inputs.index;
    this.value = inputs.value;
  }

  /** The non-zero inputs of every sample: sample {@code s} has {@code index[k], value[k]} for k in its range. */
  private record Inputs(int[] start, int[] index, float[] value) {
    /** The non-zero inputs of {@code data}, or {@code null} when more than {@code maxDensity} of them are. */
    static Inputs of(Features data, double maxDensity) {
      float[] x = data.x();
      int n = data.size();
      int dim = data.dim();
      long count = 0;
      for (int s = 0; s < n; s++) { // first pass: count, so that the index is allocated at its size
        count += nonZeros(x, s * dim, dim);
      }
      if (count > maxDensity * x.length || count > Integer.MAX_VALUE - 8) {
        return null;
      }
      int[] start = new int[n + 1];
      start[n] = (int) count;
      int[] index = new int[(int) count];
      float[] value = new float[(int) count];
      int k = 0;
      for (int s = 0; s < n; s++) {
        start[s] = k;
        k = gather(x, s * dim, dim, index, value, k);
      }
      return new Inputs(start, index, value);
    }

    // One sample per call, so that the JIT compiles these early as methods rather than late as loops in flight.
    private static int nonZeros(float[] x, int off, int dim) {
      int c = 0;
      for (int i = off; i < off + dim; i++) {
        c += x[i] != 0f ? 1 : 0;
      }
      return c;
    }

    private static int gather(float[] x, int off, int dim, int[] index, float[] value, int k) {
      for (int i = 0; i < dim; i++) {
        float xi = x[off + i];
        if (xi != 0f) {
          index[k] = i;
          value[k++] = xi;
        }
      }
      return k;
    }
  }

  /**
   * The factored layer for training on {@code data}, or {@code null} when it does not apply: inputs denser than
   * {@link #MAX_DENSITY}, or a rule {@link #eigen} refuses (no momentum; an ill-conditioned or non-finite basis).
   */
  static SparseFirstLayer forTraining(LayerSizes sizes, LayerStep rule, Features data, Kernel kernel) {
    double[] eigen = eigen(rule);
    if (eigen == null || data.dim() != sizes.inputs()) {
      return null;
    }
    Inputs inputs = Inputs.of(data, MAX_DENSITY);
    if (inputs == null) {
      return null;
    }
    return new SparseFirstLayer(sizes, rule, eigen, inputs, kernel);
  }

  /**
   * {@code {mu1, mu2, e1v, e2w}} of the rule's {@code A}, or {@code null} when the factored form would be unsound or
   * inaccurate: no two distinct real eigenvalues, a second eigenvalue at or below {@link #MIN_MU2} (no momentum to
   * speak of), a first above 1 (a growing scale), or an eigenbasis that is not finite or whose condition number
   * exceeds {@link #MAX_CONDITION}. The last happens, for instance, when decoupled decay shrinks weights faster than
   * the momentum decays ({@code keep < m}: the eigenvalue of {@code e1 = (1, e1v)} is then {@code m}, and
   * {@code e1v} is 0/0), or when a large L2 brings the two eigenvalues together (the eigenvectors turn parallel).
   * It depends on the rule alone, so the choice of path is deterministic.
   */
  static double[] eigen(LayerStep rule) {
    double lr = rule.lr();
    double m = rule.momentum();
    double a11 = rule.keep() - lr * (1 - m) * rule.l2();
    double a12 = -lr * m;
    double a21 = (1 - m) * rule.l2();
    double a22 = m;
    double half = (a11 + a22) / 2;
    double disc = half * half - (a11 * a22 - a12 * a21);
    if (!(disc > 0)) {
      return null;
    }
    double root = Math.sqrt(disc);
    double mu1 = half + root;
    double mu2 = half - root;
    if (!(mu2 > MIN_MU2) || !(mu1 <= 1)) {
      return null;
    }
    double e1v = a21 / (mu1 - a22);
    double e2w = a12 / (mu2 - a11);
    if (!(condition(e1v, e2w) <= MAX_CONDITION)) { // also refuses NaN and infinite vectors
      return null;
    }
    return new double[] {mu1, mu2, e1v, e2w};
  }

  /**
   * The condition number {@code ||E|| ||E^-1||} (infinity norm) of the basis {@code E = [e1 e2] = [[1, e2w], [e1v,
   * 1]]}: {@code max(1 + |e1v|, 1 + |e2w|)^2 / |1 - e1v e2w|}; NaN or infinite for a basis that is not one.
   */
  static double condition(double e1v, double e2w) {
    double rowSum = Math.max(1 + Math.abs(e1v), 1 + Math.abs(e2w));
    return rowSum * rowSum / Math.abs(1 - e1v * e2w);
  }

  /** Factors the layer's weights and their velocities into {@code U} and {@code Z}. */
  void load(float[] params, float[] velocity) {
    su = 1;
    sz = 1;
    for (int o = 0; o < rows; o++) {
      for (int i = 0; i < cols; i++) {
        int j = wOff + o * cols + i;
        double w = params[j];
        double v = velocity[j];
        u[i * stride + o] = (float) ((w - e2w * v) / det);
        z[i * stride + o] = (float) ((v - e1v * w) / det);
      }
    }
  }

  /** Writes the weights and velocities back, row-major, as the dense kernels keep them. */
  void store(float[] params, float[] velocity) {
    for (int o = 0; o < rows; o++) {
      for (int i = 0; i < cols; i++) {
        int j = wOff + o * cols + i;
        double a = su * u[i * stride + o];
        double c = sz * z[i * stride + o];
        params[j] = (float) (a + e2w * c);
        velocity[j] = (float) (e1v * a + c);
      }
    }
  }

  /** The first layer's pre-activations {@code W x + b} of training sample {@code s}, into {@code out[outOff..]}. */
  void forward(int s, float[] params, float[] out, int outOff) {
    float[] au = accU;
    float[] az = accZ;
    kernel.sparseAffine(u, z, stride, index, value, start[s], start[s + 1], au, az);
    float fu = (float) su;
    float fz = (float) (e2w * sz);
    for (int o = 0; o < rows; o++) {
      out[outOff + o] = Math.fma(fu, au[o], fz * az[o]) + params[bOff + o];
    }
  }

  /**
   * One momentum step of the weights for training sample {@code s} with the layer's deltas {@code delta[dOff..]}:
   * the whole layer decays through the scale factors, the sample's gradient goes into its non-zero inputs' rows.
   */
  void step(int s, float[] delta, int dOff) {
    advance(1f);
    add(s, delta, dOff);
    foldIfFar();
  }

  /**
   * One momentum step from a batch: the gradient is {@code scale} times the sum over the batch's samples
   * {@code samples[k]} of their deltas {@code deltas[k*rows..]} times their inputs, added sample by sample.
   */
  void batchStep(int[] samples, float[] deltas, int n, float scale) {
    advance(scale);
    for (int k = 0; k < n; k++) {
      add(samples[k], deltas, k * rows);
    }
    foldIfFar();
  }

  /** Applies {@code A} through the scales and sets the coefficients of a gradient scaled by {@code scale}. */
  private void advance(float scale) {
    su *= mu1;
    sz *= mu2;
    ca = (float) (betaA * scale / su);
    cc = (float) (betaC * scale / sz);
  }

  private void add(int s, float[] delta, int dOff) {
    System.arraycopy(delta, dOff, d, 0, rows);
    kernel.sparseUpdate(u, z, stride, index, value, start[s], start[s + 1], d, ca, cc);
  }

  private void foldIfFar() {
    if (sz < FOLD_BELOW) {
      fold(z, sz);
      sz = 1;
    }
    if (su < 0.5) {
      fold(u, su);
      su = 1;
    }
  }

  private static void fold(float[] a, double scale) {
    float f = (float) scale;
    for (int j = 0; j < a.length; j++) {
      a[j] *= f;
    }
  }

  /** The rule of the layer's biases, which {@link Network} steps densely. */
  LayerStep rule() {
    return rule;
  }
}
