package dev.fedlearn.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
  /** Central differences in double precision agree with the analytic gradient to this relative error. */
  static final double FINITE_DIFFERENCE_TOLERANCE = 1e-6;
  /** Step of the central differences. */
  static final double EPSILON = 1e-6;
  /** The float network's gradient agrees with the double reference to this absolute error. */
  static final double FLOAT_TOLERANCE = 2e-5;

  private final LayerSizes sizes = LayerSizes.of(12, 7, 5, 4);

  @Test
  void analyticGradientMatchesFiniteDifferencesInDoublePrecision() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 5; trial++) {
      double[] p = randomParams(rng);
      double[] x = randomInput(rng);
      int label = rng.nextInt(sizes.classes());
      double[] analytic = DoubleReference.gradient(sizes, p, x, label);
      for (int j = 0; j < p.length; j++) {
        double saved = p[j];
        p[j] = saved + EPSILON;
        double up = DoubleReference.loss(sizes, p, x, label);
        p[j] = saved - EPSILON;
        double down = DoubleReference.loss(sizes, p, x, label);
        p[j] = saved;
        double numeric = (up - down) / (2 * EPSILON);
        double scale = Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[j]));
        assertThat(Math.abs(numeric - analytic[j]) / scale)
            .as("parameter %s, trial %d", sizes.describe(j), trial)
            .isLessThan(FINITE_DIFFERENCE_TOLERANCE);
      }
    }
  }

  @Test
  void floatNetworkGradientMatchesTheDoubleReference() {
    SplittableRandom rng = new SplittableRandom(5);
    for (String kernel : new String[] {"scalar", "vector"}) {
      for (int trial = 0; trial < 5; trial++) {
        double[] p = randomParams(rng);
        double[] x = randomInput(rng);
        int label = rng.nextInt(sizes.classes());
        float[] pf = new float[p.length];
        float[] xf = new float[x.length];
        for (int j = 0; j < p.length; j++) {
          pf[j] = (float) p[j];
          p[j] = pf[j];
        }
        for (int i = 0; i < x.length; i++) {
          xf[i] = (float) x[i];
          x[i] = xf[i];
        }
        Network net = new Network(new Model(sizes, pf), Kernels.create(kernel));
        float[] g = new float[p.length];
        double loss = net.gradient(xf, 0, label, g);
        double[] expected = DoubleReference.gradient(sizes, p, x, label);
        assertThat(loss).isCloseTo(DoubleReference.loss(sizes, p, x, label),
            org.assertj.core.data.Offset.offset(FLOAT_TOLERANCE));
        for (int j = 0; j < p.length; j++) {
          assertThat((double) g[j]).as("%s %s", kernel, sizes.describe(j))
              .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(FLOAT_TOLERANCE));
        }
      }
    }
  }

  /** FedProx: the loss plus {@code mu/2 ||p - anchor||^2}. */
  private static double proximalLoss(LayerSizes s, double[] p, double[] anchor, double mu, double[] x, int label) {
    double sq = 0;
    for (int j = 0; j < p.length; j++) {
      sq += (p[j] - anchor[j]) * (p[j] - anchor[j]);
    }
    return DoubleReference.loss(s, p, x, label) + mu / 2 * sq;
  }

  /** Its gradient: the loss's plus {@code mu (p - anchor)}, every weight and bias. */
  private static double[] proximalGradient(LayerSizes s, double[] p, double[] anchor, double mu, double[] x,
      int label) {
    double[] g = DoubleReference.gradient(s, p, x, label);
    for (int j = 0; j < p.length; j++) {
      g[j] += mu * (p[j] - anchor[j]);
    }
    return g;
  }

  @Test
  void theProximalGradientMatchesFiniteDifferencesInDoublePrecision() {
    SplittableRandom rng = new SplittableRandom(7);
    double mu = 0.3;
    for (int trial = 0; trial < 3; trial++) {
      double[] p = randomParams(rng);
      double[] anchor = randomParams(rng);
      double[] x = randomInput(rng);
      int label = rng.nextInt(sizes.classes());
      double[] analytic = proximalGradient(sizes, p, anchor, mu, x, label);
      for (int j = 0; j < p.length; j++) {
        double saved = p[j];
        p[j] = saved + EPSILON;
        double up = proximalLoss(sizes, p, anchor, mu, x, label);
        p[j] = saved - EPSILON;
        double down = proximalLoss(sizes, p, anchor, mu, x, label);
        p[j] = saved;
        double numeric = (up - down) / (2 * EPSILON);
        double scale = Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[j]));
        assertThat(Math.abs(numeric - analytic[j]) / scale).as("parameter %s", sizes.describe(j))
            .isLessThan(FINITE_DIFFERENCE_TOLERANCE);
      }
    }
  }

  /**
   * One proximal training step of the float trainer, with momentum 0 and no decay ({@code v = g; w -= lr*v}), moves
   * every parameter by {@code -lr} times the double reference's proximal gradient, on either kernel.
   */
  @Test
  void theTrainersProximalStepFollowsTheReferenceGradient() {
    SplittableRandom rng = new SplittableRandom(9);
    float lr = 0.5f;
    float mu = 0.3f;
    TrainingConfig config = new TrainingConfig(1, 1, lr, 0f, 0f, 1, Preset.DEFAULT);
    for (String kernel : new String[] {"scalar", "vector"}) {
      double[] p = randomParams(rng);
      double[] anchor = randomParams(rng);
      double[] x = randomInput(rng);
      int label = rng.nextInt(sizes.classes());
      float[] pf = new float[p.length];
      float[] af = new float[p.length];
      for (int j = 0; j < p.length; j++) {
        pf[j] = (float) p[j];
        p[j] = pf[j];
        af[j] = (float) anchor[j];
        anchor[j] = af[j];
      }
      float[] xf = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        xf[i] = (float) x[i];
        x[i] = xf[i];
      }
      Model m = new Model(sizes, pf.clone());
      byte[] labels = {(byte) label};
      new Trainer(m, config, Kernels.create(kernel)).proximal(mu, af)
          .train(new dev.fedlearn.engine.data.Features(xf, labels, x.length, sizes.classes()), new SplittableRandom(1), null);
      double[] g = proximalGradient(sizes, p, anchor, mu, x, label);
      for (int j = 0; j < p.length; j++) {
        assertThat((double) m.params()[j]).as("%s %s", kernel, sizes.describe(j))
            .isCloseTo(p[j] - lr * g[j], org.assertj.core.data.Offset.offset(FLOAT_TOLERANCE));
      }
    }
  }

  private double[] randomParams(SplittableRandom rng) {
    double[] p = new double[sizes.parameterCount()];
    for (int j = 0; j < p.length; j++) {
      p[j] = rng.nextDouble(-1, 1);
    }
    return p;
  }

  private double[] randomInput(SplittableRandom rng) {
    double[] x = new double[sizes.inputs()];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble();
    }
    return x;
  }
}
