package dev.fedlearn.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.engine.data.Features;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The vector kernel must give the scalar reference kernel's results bit for bit. */
class KernelEqualityTest {
  private final Kernel scalar = new ScalarKernel();
  private final Kernel vector = Kernels.create("vector");
  /** Both kinds of decay at once, so that every term of the rule is exercised. */
  private static final LayerStep STEP = new LayerStep(0.02f, 0.9f, 1e-4f, 0.9999f);

  @Test
  void theBuildRunsTheVectorKernel() {
    assertThat(Kernels.vectorAvailable()).as("tests run with --add-modules jdk.incubator.vector").isTrue();
    assertThat(vector.name()).isEqualTo("vector");
  }

  // Shapes with and without tails: multiples of 16, of 8, and odd sizes.
  @ParameterizedTest
  @CsvSource({"20,784", "15,20", "10,15", "7,33", "4,16", "1,1", "5,8", "9,47"})
  void everyPrimitiveIsBitIdentical(int rows, int cols) {
    SplittableRandom rng = new SplittableRandom(rows * 1000L + cols);
    int n = rows * cols + rows;
    float[] p = random(rng, n + 3);
    float[] x = random(rng, cols + 2);
    float[] d = random(rng, rows + 1);
    int wOff = 3;
    int bOff = 3 + rows * cols;

    float[] ys = new float[rows + 1];
    float[] yv = new float[rows + 1];
    scalar.affine(p, wOff, bOff, rows, cols, x, 2, ys, 1);
    vector.affine(p, wOff, bOff, rows, cols, x, 2, yv, 1);
    assertThat(yv).containsExactly(ys);

    float[] bs = new float[cols + 1];
    float[] bv = new float[cols + 1];
    scalar.backprop(p, wOff, rows, cols, d, 1, bs, 1);
    vector.backprop(p, wOff, rows, cols, d, 1, bv, 1);
    assertThat(bv).containsExactly(bs);

    float[] ps = p.clone();
    float[] pv = p.clone();
    float[] vs = random(rng, p.length);
    float[] vv = vs.clone();
    scalar.momentumStep(ps, vs, wOff, bOff, rows, cols, d, 1, x, 2, new LayerStep(0.01f, 0.9f, 1e-4f, 1f));
    vector.momentumStep(pv, vv, wOff, bOff, rows, cols, d, 1, x, 2, new LayerStep(0.01f, 0.9f, 1e-4f, 1f));
    assertThat(pv).containsExactly(ps);
    assertThat(vv).containsExactly(vs);

    float[] xn = random(rng, cols + 1);
    float[] fs = new float[rows + 2];
    float[] fv = new float[rows + 2];
    scalar.momentumStepThenAffine(ps, vs, wOff, bOff, rows, cols, d, 1, x, 2, new LayerStep(0.03f, 0.5f, 0f, 0.999f), xn, 1,
        fs, 2);
    vector.momentumStepThenAffine(pv, vv, wOff, bOff, rows, cols, d, 1, x, 2, new LayerStep(0.03f, 0.5f, 0f, 0.999f), xn, 1,
        fv, 2);
    assertThat(pv).containsExactly(ps);
    assertThat(vv).containsExactly(vs);
    assertThat(fv).containsExactly(fs);

    float[] gs = random(rng, p.length);
    float[] gv = gs.clone();
    scalar.accumulate(gs, wOff, bOff, rows, cols, d, 1, x, 2);
    vector.accumulate(gv, wOff, bOff, rows, cols, d, 1, x, 2);
    assertThat(gv).containsExactly(gs);

    scalar.applyGradient(ps, vs, gs, wOff, bOff, rows, cols, 1f / 3, new LayerStep(0.02f, 0.8f, 1e-3f, 1f));
    vector.applyGradient(pv, vv, gv, wOff, bOff, rows, cols, 1f / 3, new LayerStep(0.02f, 0.8f, 1e-3f, 1f));
    assertThat(pv).containsExactly(ps);
    assertThat(vv).containsExactly(vs);
    assertThat(gv).containsExactly(gs);
    for (int j = wOff; j < bOff + rows; j++) {
      assertThat(gs[j]).isZero();
    }
  }

  @ParameterizedTest
  @CsvSource({"20,784,32", "15,20,5", "7,33,3", "5,8,1", "9,47,2"})
  void theBatchStepEqualsAccumulatingThenApplying(int rows, int cols, int n) {
    SplittableRandom rng = new SplittableRandom(rows * 7L + cols + n);
    int wOff = 2;
    int bOff = wOff + rows * cols;
    float[] p = random(rng, bOff + rows);
    float[] v = random(rng, p.length);
    float[][] xs = new float[n][];
    int[] xOffs = new int[n];
    float[] d = random(rng, n * rows);
    for (int s = 0; s < n; s++) {
      xs[s] = random(rng, cols + 5);
      xOffs[s] = s % 5;
    }
    float[] pRef = p.clone();
    float[] vRef = v.clone();
    float[] g = new float[p.length];
    for (int s = 0; s < n; s++) {
      scalar.accumulate(g, wOff, bOff, rows, cols, d, s * rows, xs[s], xOffs[s]);
    }
    scalar.applyGradient(pRef, vRef, g, wOff, bOff, rows, cols, 1f / n, STEP);
    for (Kernel k : new Kernel[] {scalar, vector}) {
      float[] pk = p.clone();
      float[] vk = v.clone();
      k.batchStep(pk, vk, wOff, bOff, rows, cols, d, n, xs, xOffs, 1f / n, STEP);
      assertThat(pk).as(k.name()).containsExactly(pRef);
      assertThat(vk).as(k.name()).containsExactly(vRef);
    }
  }

  @ParameterizedTest
  @CsvSource({"24, 5", "24, 0", "16, 9", "40, 3"})
  void theSparsePrimitivesAreBitIdentical(int width, int nonZeros) {
    SplittableRandom rng = new SplittableRandom(width * 31L + nonZeros);
    int cols = 50;
    float[] u = random(rng, cols * width);
    float[] z = random(rng, cols * width);
    int[] index = new int[nonZeros + 2];
    float[] value = random(rng, nonZeros + 2);
    for (int k = 0; k < index.length; k++) {
      index[k] = (k * 7 + 3) % cols;
    }
    float[][] acc = new float[4][width];
    scalar.sparseAffine(u, z, width, index, value, 1, 1 + nonZeros, acc[0], acc[1]);
    vector.sparseAffine(u, z, width, index, value, 1, 1 + nonZeros, acc[2], acc[3]);
    assertThat(acc[2]).containsExactly(acc[0]);
    assertThat(acc[3]).containsExactly(acc[1]);
    float[] d = random(rng, width);
    float[] us = u.clone();
    float[] zs = z.clone();
    scalar.sparseUpdate(us, zs, width, index, value, 1, 1 + nonZeros, d, 0.3f, -7f);
    vector.sparseUpdate(u, z, width, index, value, 1, 1 + nonZeros, d, 0.3f, -7f);
    assertThat(u).containsExactly(us);
    assertThat(z).containsExactly(zs);
  }

  @ParameterizedTest(name = "batch {0}, factored first layer {1}")
  @CsvSource({"1, true", "8, true", "32, true", "1, false", "8, false", "32, false"})
  void wholeTrainingRunsAreBitIdentical(int batch, boolean sparse) {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 200;
    float[] x = new float[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) rng.nextInt(10);
      for (int j = 0; j < 784; j++) {
        x[i * 784 + j] = rng.nextInt(4) == 0 ? rng.nextFloat() : 0f;
      }
    }
    Features data = new Features(x, labels, 784, 10);
    TrainingConfig config = new TrainingConfig(3, batch, 0.05f, 0.9f, 1e-5f, 1, Preset.DEFAULT);
    Model a = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 1);
    Model b = a.copy();
    new Trainer(a, config, scalar, sparse).train(data, new SplittableRandom(2), null);
    new Trainer(b, config, vector, sparse).train(data, new SplittableRandom(2), null);
    assertThat(b.params()).containsExactly(a.params());
  }

  @ParameterizedTest(name = "batch {0}, proximal mu {1}")
  @CsvSource({"1, 0.1", "8, 0.1", "1, 1.0"})
  void proximalTrainingRunsAreBitIdentical(int batch, float mu) {
    SplittableRandom rng = new SplittableRandom(12);
    int n = 100;
    float[] x = new float[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) rng.nextInt(10);
      for (int j = 0; j < 784; j++) {
        x[i * 784 + j] = rng.nextInt(4) == 0 ? rng.nextFloat() : 0f;
      }
    }
    Features data = new Features(x, labels, 784, 10);
    TrainingConfig config = new TrainingConfig(2, batch, 0.05f, 0.9f, 1e-5f, 1, Preset.DEFAULT);
    Model a = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 1);
    Model b = a.copy();
    float[] anchor = random(rng, a.params().length);
    new Trainer(a, config, scalar, true).proximal(mu, anchor).train(data, new SplittableRandom(2), null);
    new Trainer(b, config, vector, true).proximal(mu, anchor).train(data, new SplittableRandom(2), null);
    assertThat(b.params()).containsExactly(a.params());
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rng.nextDouble(-1, 1);
    }
    return a;
  }
}
