package dev.fedlearn.engine.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel, written with the Vector API ({@code jdk.incubator.vector}; run with
 * {@code --add-modules jdk.incubator.vector}). It keeps the canonical operation order of {@link ScalarKernel}, so
 * its results are bit-identical: the 16 partial sums of a dot product are two 8-lane vectors, and the element-wise
 * updates are the same fused multiply-adds lane by lane. 8-lane (256-bit) vectors run on every x86-64 machine with
 * AVX2 and on AArch64 SVE/NEON pairs, and give the same bits everywhere.
 *
 * <p>Use {@link Kernels#create()}, which falls back to the scalar kernel when the module is not present.
 */
final class VectorKernel implements Kernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final int W = 8; // S.length(), a constant so that loops unroll
  private final float[] scratch = new float[LANES];

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public void affine(float[] p, int wOff, int bOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    int main = cols - cols % LANES;
    int o = 0;
    for (; o + 4 <= rows; o += 4) { // four rows at once: eight independent FMA chains, then four interleaved tails
      int r0 = wOff + o * cols;
      int r1 = r0 + cols;
      int r2 = r1 + cols;
      int r3 = r2 + cols;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      if (main > 0) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        for (int i = 0; i < main; i += LANES) {
          FloatVector x0 = FloatVector.fromArray(S, x, xOff + i);
          FloatVector x1 = FloatVector.fromArray(S, x, xOff + i + W);
          a0 = FloatVector.fromArray(S, p, r0 + i).fma(x0, a0);
          a1 = FloatVector.fromArray(S, p, r0 + i + W).fma(x1, a1);
          b0 = FloatVector.fromArray(S, p, r1 + i).fma(x0, b0);
          b1 = FloatVector.fromArray(S, p, r1 + i + W).fma(x1, b1);
          c0 = FloatVector.fromArray(S, p, r2 + i).fma(x0, c0);
          c1 = FloatVector.fromArray(S, p, r2 + i + W).fma(x1, c1);
          d0 = FloatVector.fromArray(S, p, r3 + i).fma(x0, d0);
          d1 = FloatVector.fromArray(S, p, r3 + i + W).fma(x1, d1);
        }
        s0 = fold(a0, a1);
        s1 = fold(b0, b1);
        s2 = fold(c0, c1);
        s3 = fold(d0, d1);
      }
      for (int i = main; i < cols; i++) {
        float xi = x[xOff + i];
        s0 = Math.fma(p[r0 + i], xi, s0);
        s1 = Math.fma(p[r1 + i], xi, s1);
        s2 = Math.fma(p[r2 + i], xi, s2);
        s3 = Math.fma(p[r3 + i], xi, s3);
      }
      y[yOff + o] = s0 + p[bOff + o];
      y[yOff + o + 1] = s1 + p[bOff + o + 1];
      y[yOff + o + 2] = s2 + p[bOff + o + 2];
      y[yOff + o + 3] = s3 + p[bOff + o + 3];
    }
    for (; o < rows; o++) {
      int r = wOff + o * cols;
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      for (int i = 0; i < main; i += LANES) {
        a0 = FloatVector.fromArray(S, p, r + i).fma(FloatVector.fromArray(S, x, xOff + i), a0);
        a1 = FloatVector.fromArray(S, p, r + i + W).fma(FloatVector.fromArray(S, x, xOff + i + W), a1);
      }
      y[yOff + o] = finish(a0, a1, p, r, x, xOff, main, cols) + p[bOff + o];
    }
  }

  /** Lanes k and k+8 added, then the scalar kernel's tree: the sum of the 16 partial sums. */
  private float fold(FloatVector lo, FloatVector hi) {
    lo.add(hi).intoArray(scratch, 0);
    return ScalarKernel.reduce8(scratch);
  }

  /** {@link #fold}, then the tail in sequence. */
  private float finish(FloatVector lo, FloatVector hi, float[] w, int wOff, float[] x, int xOff, int main, int n) {
    float s = main == 0 ? 0f : fold(lo, hi);
    for (int i = main; i < n; i++) {
      s = Math.fma(w[wOff + i], x[xOff + i], s);
    }
    return s;
  }

  @Override
  public void backprop(float[] p, int wOff, int rows, int cols, float[] d, int dOff, float[] out, int outOff) {
    // Columns outside, rows inside: each output stays in a register while the rows go by, in row order.
    int main = cols - cols % W;
    for (int i = 0; i < main; i += W) {
      FloatVector acc = FloatVector.zero(S);
      for (int o = 0; o < rows; o++) {
        acc = FloatVector.fromArray(S, p, wOff + o * cols + i).fma(FloatVector.broadcast(S, d[dOff + o]), acc);
      }
      acc.intoArray(out, outOff + i);
    }
    for (int i = main; i < cols; i++) {
      float s = 0f;
      for (int o = 0; o < rows; o++) {
        s = Math.fma(p[wOff + o * cols + i], d[dOff + o], s);
      }
      out[outOff + i] = s;
    }
  }

  @Override
  public void momentumStep(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d, int dOff,
      float[] x, int xOff, LayerStep s) {
    float damp = s.damp();
    FloatVector vl2 = FloatVector.broadcast(S, s.l2());
    FloatVector vm = FloatVector.broadcast(S, s.momentum());
    FloatVector vlr = FloatVector.broadcast(S, -s.lr());
    FloatVector vkeep = FloatVector.broadcast(S, s.keep());
    int main = cols - cols % W;
    for (int o = 0; o < rows; o++) {
      float dv = d[dOff + o];
      int row = wOff + o * cols;
      int i = 0;
      for (; i < main; i += W) {
        update(p, v, row + i, x, xOff + i, dv, damp, vl2, vm, vlr, vkeep);
      }
      ScalarKernel.momentumRow(p, v, row, i, cols, dv, x, xOff, s);
      ScalarKernel.momentumBias(p, v, bOff + o, dv, s);
    }
  }

  @Override
  public void momentumStepThenAffine(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d,
      int dOff, float[] x, int xOff, LayerStep s, float[] xNext, int xNextOff, float[] y, int yOff) {
    float damp = s.damp();
    FloatVector vl2 = FloatVector.broadcast(S, s.l2());
    FloatVector vm = FloatVector.broadcast(S, s.momentum());
    FloatVector vlr = FloatVector.broadcast(S, -s.lr());
    FloatVector vkeep = FloatVector.broadcast(S, s.keep());
    int main = cols - cols % LANES;
    for (int o = 0; o < rows; o++) {
      float dv = d[dOff + o];
      int row = wOff + o * cols;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = acc0;
      int i = 0;
      for (; i < main; i += LANES) {
        acc0 = update(p, v, row + i, x, xOff + i, dv, damp, vl2, vm, vlr, vkeep)
            .fma(FloatVector.fromArray(S, xNext, xNextOff + i), acc0);
        acc1 = update(p, v, row + i + W, x, xOff + i + W, dv, damp, vl2, vm, vlr, vkeep)
            .fma(FloatVector.fromArray(S, xNext, xNextOff + i + W), acc1);
      }
      ScalarKernel.momentumRow(p, v, row, i, cols, dv, x, xOff, s);
      int b = bOff + o;
      ScalarKernel.momentumBias(p, v, b, dv, s);
      y[yOff + o] = finish(acc0, acc1, p, row, xNext, xNextOff, main, cols) + p[b];
    }
  }

  /**
   * The momentum step of the 8 weights at {@code p[j..]}, inputs at {@code x[xi..]}, lane by lane as
   * {@link ScalarKernel#momentumRow}; returns the updated weights.
   */
  private static FloatVector update(float[] p, float[] v, int j, float[] x, int xi, float dv, float damp,
      FloatVector vl2, FloatVector vm, FloatVector vlr, FloatVector vkeep) {
    FloatVector w = FloatVector.fromArray(S, p, j);
    FloatVector g = w.fma(vl2, FloatVector.fromArray(S, x, xi).mul(dv));
    FloatVector vel = FloatVector.fromArray(S, v, j).fma(vm, g.mul(damp));
    vel.intoArray(v, j);
    FloatVector updated = vel.fma(vlr, w.mul(vkeep));
    updated.intoArray(p, j);
    return updated;
  }

  @Override
  public void batchStep(float[] p, float[] v, int wOff, int bOff, int rows, int cols, float[] d, int n,
      float[][] xs, int[] xOffs, float scale, LayerStep s) {
    float damp = s.damp();
    FloatVector vl2 = FloatVector.broadcast(S, s.l2());
    FloatVector vm = FloatVector.broadcast(S, s.momentum());
    FloatVector vlr = FloatVector.broadcast(S, -s.lr());
    FloatVector vkeep = FloatVector.broadcast(S, s.keep());
    int main = cols - cols % W;
    int o = 0;
    for (; o + 4 <= rows; o += 4) { // four rows share each load of a sample's inputs
      for (int i = 0; i < main; i += W) {
        FloatVector g0 = FloatVector.zero(S);
        FloatVector g1 = g0;
        FloatVector g2 = g0;
        FloatVector g3 = g0;
        for (int k = 0; k < n; k++) {
          FloatVector xv = FloatVector.fromArray(S, xs[k], xOffs[k] + i);
          int ds = k * rows + o;
          g0 = xv.fma(FloatVector.broadcast(S, d[ds]), g0);
          g1 = xv.fma(FloatVector.broadcast(S, d[ds + 1]), g1);
          g2 = xv.fma(FloatVector.broadcast(S, d[ds + 2]), g2);
          g3 = xv.fma(FloatVector.broadcast(S, d[ds + 3]), g3);
        }
        int j = wOff + o * cols + i;
        step(p, v, j, g0, scale, vl2, vm, damp, vlr, vkeep);
        step(p, v, j + cols, g1, scale, vl2, vm, damp, vlr, vkeep);
        step(p, v, j + 2 * cols, g2, scale, vl2, vm, damp, vlr, vkeep);
        step(p, v, j + 3 * cols, g3, scale, vl2, vm, damp, vlr, vkeep);
      }
      for (int r = o; r < o + 4; r++) {
        Kernel.batchColumns(p, v, wOff + r * cols, r, rows, main, cols, d, n, xs, xOffs, scale, s);
      }
    }
    for (; o < rows; o++) {
      for (int i = 0; i < main; i += W) {
        FloatVector g0 = FloatVector.zero(S);
        for (int k = 0; k < n; k++) {
          g0 = FloatVector.fromArray(S, xs[k], xOffs[k] + i).fma(FloatVector.broadcast(S, d[k * rows + o]), g0);
        }
        step(p, v, wOff + o * cols + i, g0, scale, vl2, vm, damp, vlr, vkeep);
      }
      Kernel.batchColumns(p, v, wOff + o * cols, o, rows, main, cols, d, n, xs, xOffs, scale, s);
    }
    Kernel.batchBiasStep(p, v, bOff, rows, d, n, scale, s);
  }

  private static void step(float[] p, float[] v, int j, FloatVector g, float scale, FloatVector vl2,
      FloatVector vm, float damp, FloatVector vlr, FloatVector vkeep) {
    FloatVector w = FloatVector.fromArray(S, p, j);
    FloatVector grad = w.fma(vl2, g.mul(scale));
    FloatVector vel = FloatVector.fromArray(S, v, j).fma(vm, grad.mul(damp));
    vel.intoArray(v, j);
    vel.fma(vlr, w.mul(vkeep)).intoArray(p, j);
  }

  @Override
  public void accumulate(float[] g, int wOff, int bOff, int rows, int cols, float[] d, int dOff, float[] x, int xOff) {
    int main = cols - cols % W;
    for (int o = 0; o < rows; o++) {
      float dv = d[dOff + o];
      FloatVector vd = FloatVector.broadcast(S, dv);
      int row = wOff + o * cols;
      int i = 0;
      for (; i < main; i += W) {
        FloatVector.fromArray(S, x, xOff + i).fma(vd, FloatVector.fromArray(S, g, row + i)).intoArray(g, row + i);
      }
      for (; i < cols; i++) {
        g[row + i] = Math.fma(x[xOff + i], dv, g[row + i]);
      }
      g[bOff + o] += dv;
    }
  }

  @Override
  public void applyGradient(float[] p, float[] v, float[] g, int wOff, int bOff, int rows, int cols, float scale,
      LayerStep s) {
    float damp = s.damp();
    FloatVector vl2 = FloatVector.broadcast(S, s.l2());
    FloatVector vm = FloatVector.broadcast(S, s.momentum());
    FloatVector vlr = FloatVector.broadcast(S, -s.lr());
    FloatVector vkeep = FloatVector.broadcast(S, s.keep());
    FloatVector zero = FloatVector.zero(S);
    int end = wOff + rows * cols;
    int main = wOff + (rows * cols) - (rows * cols) % W;
    int j = wOff;
    for (; j < main; j += W) {
      FloatVector w = FloatVector.fromArray(S, p, j);
      FloatVector grad = w.fma(vl2, FloatVector.fromArray(S, g, j).mul(scale));
      FloatVector vel = FloatVector.fromArray(S, v, j).fma(vm, grad.mul(damp));
      vel.intoArray(v, j);
      vel.fma(vlr, w.mul(vkeep)).intoArray(p, j);
      zero.intoArray(g, j);
    }
    ScalarKernel.gradientWeights(p, v, g, j, end, scale, s);
    ScalarKernel.gradientBiases(p, v, g, bOff, rows, scale, s);
  }

  @Override
  public void sparseAffine(float[] u, float[] z, int width, int[] index, float[] value, int from, int to,
      float[] accU, float[] accZ) {
    if (width == 3 * W) { // the product's 20 hidden units: all six sums stay in registers
      FloatVector u0 = FloatVector.zero(S);
      FloatVector u1 = u0;
      FloatVector u2 = u0;
      FloatVector z0 = u0;
      FloatVector z1 = u0;
      FloatVector z2 = u0;
      for (int k = from; k < to; k++) {
        FloatVector xi = FloatVector.broadcast(S, value[k]);
        int row = index[k] * (3 * W);
        u0 = xi.fma(FloatVector.fromArray(S, u, row), u0);
        u1 = xi.fma(FloatVector.fromArray(S, u, row + W), u1);
        u2 = xi.fma(FloatVector.fromArray(S, u, row + 2 * W), u2);
        z0 = xi.fma(FloatVector.fromArray(S, z, row), z0);
        z1 = xi.fma(FloatVector.fromArray(S, z, row + W), z1);
        z2 = xi.fma(FloatVector.fromArray(S, z, row + 2 * W), z2);
      }
      u0.intoArray(accU, 0);
      u1.intoArray(accU, W);
      u2.intoArray(accU, 2 * W);
      z0.intoArray(accZ, 0);
      z1.intoArray(accZ, W);
      z2.intoArray(accZ, 2 * W);
      return;
    }
    for (int c = 0; c < width; c += W) {
      FloatVector au = FloatVector.zero(S);
      FloatVector az = au;
      for (int k = from; k < to; k++) {
        FloatVector xi = FloatVector.broadcast(S, value[k]);
        int row = index[k] * width + c;
        au = xi.fma(FloatVector.fromArray(S, u, row), au);
        az = xi.fma(FloatVector.fromArray(S, z, row), az);
      }
      au.intoArray(accU, c);
      az.intoArray(accZ, c);
    }
  }

  @Override
  public void sparseUpdate(float[] u, float[] z, int width, int[] index, float[] value, int from, int to, float[] d,
      float ca, float cc) {
    if (width == 3 * W) {
      FloatVector d0 = FloatVector.fromArray(S, d, 0);
      FloatVector d1 = FloatVector.fromArray(S, d, W);
      FloatVector d2 = FloatVector.fromArray(S, d, 2 * W);
      for (int k = from; k < to; k++) {
        float xi = value[k];
        FloatVector fa = FloatVector.broadcast(S, ca * xi);
        FloatVector fc = FloatVector.broadcast(S, cc * xi);
        int row = index[k] * (3 * W);
        fa.fma(d0, FloatVector.fromArray(S, u, row)).intoArray(u, row);
        fa.fma(d1, FloatVector.fromArray(S, u, row + W)).intoArray(u, row + W);
        fa.fma(d2, FloatVector.fromArray(S, u, row + 2 * W)).intoArray(u, row + 2 * W);
        fc.fma(d0, FloatVector.fromArray(S, z, row)).intoArray(z, row);
        fc.fma(d1, FloatVector.fromArray(S, z, row + W)).intoArray(z, row + W);
        fc.fma(d2, FloatVector.fromArray(S, z, row + 2 * W)).intoArray(z, row + 2 * W);
      }
      return;
    }
    for (int c = 0; c < width; c += W) {
      FloatVector dv = FloatVector.fromArray(S, d, c);
      for (int k = from; k < to; k++) {
        float xi = value[k];
        int row = index[k] * width + c;
        FloatVector.broadcast(S, ca * xi).fma(dv, FloatVector.fromArray(S, u, row)).intoArray(u, row);
        FloatVector.broadcast(S, cc * xi).fma(dv, FloatVector.fromArray(S, z, row)).intoArray(z, row);
      }
    }
  }
}
