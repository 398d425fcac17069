package dev.fedlearn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.fedlearn.data.Features;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The factored first layer must train the model the dense reference kernel trains, up to rounding. */
class SparseFirstLayerTest {
  /**
   * Largest difference allowed between a weight trained in factored form and by the dense scalar kernel, after 900
   * steps from weights of size ~0.1-1: float rounding differs in the last bits per step and drifts slowly. Measured:
   * 4e-7 in the default preset, 3e-5 in the seed preset (U(-1,1) weights).
   */
  static final float ROUNDING_DRIFT = 1e-4f;
  /** The eigen-decomposition is computed in double; checks of it hold to this. */
  static final double EIGEN_TOLERANCE = 1e-12;

  @Test
  void withoutDecayTheEigenvectorsAreTheTextbookOnes() {
    // A = [[1, -lr m], [0, m]]: mu1 = 1 with e1 = (1, 0); mu2 = m with e2 = (lr m / (1-m), 1)
    double[] e = SparseFirstLayer.eigen(new LayerStep(0.5f, 0.75f, 0f, 1f));
    assertThat(e[0]).isCloseTo(1.0, offset(EIGEN_TOLERANCE));
    assertThat(e[1]).isCloseTo(0.75, offset(EIGEN_TOLERANCE));
    assertThat(e[2]).isCloseTo(0.0, offset(EIGEN_TOLERANCE));
    assertThat(e[3]).isCloseTo(0.5 * 0.75 / 0.25, offset(EIGEN_TOLERANCE));
  }

  @ParameterizedTest
  @CsvSource({"0.01, 0.9, 1e-4, 1", "0.003, 0.9, 0, 0.99999", "0.1, 0.5, 0.01, 0.999"})
  void theEigenpairsDiagonaliseTheStep(float lr, float m, float l2, float keep) {
    double[] e = SparseFirstLayer.eigen(new LayerStep(lr, m, l2, keep));
    double a11 = keep - (double) lr * (1 - (double) m) * l2;
    double a12 = -(double) lr * m;
    double a21 = (1 - (double) m) * l2;
    double a22 = m;
    // A e1 = mu1 e1 with e1 = (1, e[2]); A e2 = mu2 e2 with e2 = (e[3], 1)
    assertThat(a11 + a12 * e[2]).isCloseTo(e[0], offset(EIGEN_TOLERANCE));
    assertThat(a21 + a22 * e[2]).isCloseTo(e[0] * e[2], offset(EIGEN_TOLERANCE));
    assertThat(a11 * e[3] + a12).isCloseTo(e[1] * e[3], offset(EIGEN_TOLERANCE));
    assertThat(a21 * e[3] + a22).isCloseTo(e[1], offset(EIGEN_TOLERANCE));
  }

  @Test
  void appliesOnlyToSparseInputsAndRealMomentum() {
    LayerSizes sizes = LayerSizes.of(784, 20, 10);
    Features sparse = data(50, 0.2, 1);
    Features dense = data(50, 0.9, 1);
    LayerStep step = new LayerStep(0.01f, 0.9f, 1e-4f, 1f);
    Kernel k = new ScalarKernel();
    assertThat(SparseFirstLayer.forTraining(sizes, step, sparse, k)).isNotNull();
    assertThat(SparseFirstLayer.forTraining(sizes, step, dense, k)).isNull();
    assertThat(SparseFirstLayer.forTraining(sizes, new LayerStep(0.01f, 0f, 1e-4f, 1f), sparse, k))
        .as("without momentum there is nothing to factor").isNull();
  }

  @Test
  void loadThenStoreGivesTheLayerBack() {
    LayerSizes sizes = LayerSizes.of(784, 20, 10);
    SplittableRandom rng = new SplittableRandom(4);
    float[] p = new float[sizes.parameterCount()];
    float[] v = new float[p.length];
    for (int j = 0; j < p.length; j++) {
      p[j] = (float) rng.nextDouble(-1, 1);
      v[j] = (float) rng.nextDouble(-0.1, 0.1);
    }
    SparseFirstLayer first = SparseFirstLayer.forTraining(sizes, new LayerStep(0.01f, 0.9f, 1e-4f, 0.9999f),
        data(5, 0.2, 2), new ScalarKernel());
    float[] p2 = p.clone();
    float[] v2 = v.clone();
    first.load(p2, v2);
    java.util.Arrays.fill(p2, 0, sizes.biasOffset(1), 0f);
    first.store(p2, v2);
    for (int j = 0; j < sizes.biasOffset(1); j++) {
      assertThat(p2[j]).isCloseTo(p[j], offset(1e-6f));
      assertThat(v2[j]).isCloseTo(v[j], offset(1e-6f));
    }
  }

  @ParameterizedTest(name = "{0} preset, batch {1}, layers {2}")
  @CsvSource({"DEFAULT, 1, 784-20-15-10", "DEFAULT, 8, 784-20-15-10", "SEED, 1, 784-20-15-10",
      "SEED, 5, 784-20-15-10", "DEFAULT, 1, 784-10", "DEFAULT, 4, 784-37-10"})
  void trainsTheModelTheDenseKernelTrains(Preset preset, int batch, String layers) {
    Features data = data(300, 0.2, 3);
    TrainingConfig config = new TrainingConfig(3, batch, null, 0.9f, null, 1, preset);
    Model dense = Model.initialise(LayerSizes.parse(layers.replace('-', ',')), preset, 1);
    Model factored = dense.copy();
    new Trainer(dense, config, new ScalarKernel(), false).train(data, new SplittableRandom(2), null);
    new Trainer(factored, config, new ScalarKernel(), true).train(data, new SplittableRandom(2), null);
    assertThat(factored.params()).as("the factored form ran").isNotEqualTo(dense.params());
    float worst = 0;
    for (int j = 0; j < dense.params().length; j++) {
      worst = Math.max(worst, Math.abs(factored.params()[j] - dense.params()[j]));
    }
    assertThat(worst).isLessThan(ROUNDING_DRIFT);
  }

  /** {@code n} samples of 784 inputs, a share {@code density} of them non-zero, in (0, 1]. */
  static Features data(int n, double density, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) rng.nextInt(10);
      for (int j = 0; j < 784; j++) {
        // a label-dependent pattern, so that training has something to learn
        boolean on = rng.nextDouble() < density * ((j + labels[i] * 7) % 10 < 5 ? 1.6 : 0.4);
        x[i * 784 + j] = on ? (float) (1 - rng.nextDouble()) : 0f;
      }
    }
    return new Features(x, labels, 784, 10);
  }
}
