package dev.fedlearn.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class NetworkTest {
  /** Hand-computed values are given to 1e-9; float arithmetic agrees to this. */
  static final double HAND_TOLERANCE = 1e-6;

  /**
   * A 2-2-2 network, one sample, one step, every number worked out by hand: x = (1, 0.5), W1 = [[1,-1],[0.5,2]],
   * b1 = (0,-2), so z1 = (0.5, -0.5) and a1 = (0.5, -0.005); W2 = I, b2 = 0, so the logits are (0.5, -0.005),
   * softmax p = (0.623633628, 0.376366372) and the loss of class 0 is -ln p0 = 0.472192217. Deltas: output
   * p - e0 = (-0.376366372, 0.376366372); hidden (-0.376366372, 0.01 * 0.376366372). From zero momentum with
   * m = 0.9 the velocity is 0.1 g, so with lr = 0.1 every parameter moves by -0.01 g.
   */
  @Test
  void oneHandComputedStep() {
    LayerSizes sizes = LayerSizes.of(2, 2, 2);
    float[] p = {1, -1, 0.5f, 2, 0, -2, 1, 0, 0, 1, 0, 0};
    for (String kernel : new String[] {"scalar", "vector"}) {
      float[] params = p.clone();
      Network net = new Network(new Model(sizes, params), Kernels.create(kernel));
      MomentumSgd opt = new MomentumSgd(sizes, new float[] {0.1f, 0.1f}, 0.9f, 0f);
      double loss = net.trainSample(new float[] {1, 0.5f}, 0, 0, opt);
      assertThat(loss).isCloseTo(0.472192217, offset(HAND_TOLERANCE));
      assertThat(net.probability(0)).isCloseTo(0.623633628f, offset((float) HAND_TOLERANCE));
      assertThat(net.predicted()).isZero();
      double[] expected = {
          1.003763664, -0.998118168, 0.499962363, 1.999981182, // W1
          0.003763664, -2.000037637, // b1
          1.001881832, -0.000018818, -0.001881832, 1.000018818, // W2
          0.003763664, -0.003763664}; // b2
      for (int j = 0; j < expected.length; j++) {
        assertThat((double) params[j]).as("%s %s", kernel, sizes.describe(j))
            .isCloseTo(expected[j], offset(HAND_TOLERANCE));
      }
    }
  }

  @Test
  void softmaxCrossEntropyStaysFiniteForHugeLogits() {
    // One layer with identity weights: the logits are the inputs.
    LayerSizes sizes = LayerSizes.of(3, 3);
    float[] p = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    Network net = new Network(new Model(sizes, p), new ScalarKernel());
    float[] x = {1e4f, 0f, -1e4f};
    assertThat(net.score(x, 0, 0)).isCloseTo(0.0, offset(1e-12));
    assertThat(net.score(x, 0, 1)).isCloseTo(1e4, offset(1e-3));
    assertThat(net.score(x, 0, 2)).isCloseTo(2e4, offset(1e-3));
    float sum = net.probability(0) + net.probability(1) + net.probability(2);
    assertThat(sum).isCloseTo(1f, offset(1e-6f));
    assertThat(net.probability(0)).isEqualTo(1f);

    float[] same = {88f, 88f, 88f}; // exp(88) is near float overflow; the shift keeps it exact
    assertThat(net.score(same, 0, 1)).isCloseTo(Math.log(3), offset(1e-9));
    assertThat(net.probability(2)).isCloseTo(1f / 3, offset(1e-7f));
  }

  @Test
  void leakyReluPassesOnePercentOfNegativeInputs() {
    LayerSizes sizes = LayerSizes.of(1, 1, 2);
    // hidden = leaky(x); logits = (hidden, 0)
    float[] p = {1, 0, 1, 0, 0, 0};
    Network net = new Network(new Model(sizes, p), new ScalarKernel());
    net.score(new float[] {-2f}, 0, 0);
    // logits (-0.02, 0): p0 = 1 / (1 + e^0.02)
    assertThat(net.probability(0)).isCloseTo((float) (1 / (1 + Math.exp(0.02))), offset(1e-7f));
  }

  @Test
  void batchStepUsesTheMeanGradient() {
    LayerSizes sizes = LayerSizes.of(4, 3, 2);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
    float[] p = new float[sizes.parameterCount()];
    for (int j = 0; j < p.length; j++) {
      p[j] = (float) rng.nextDouble(-1, 1);
    }
    float[] x = {0.1f, 0.9f, 0.3f, 0.5f, 0.7f, 0.2f, 0.8f, 0.4f};
    int[] labels = {0, 1};
    // Expected: mean of the two per-sample gradients, one step from zero velocity (lr 0.5, m 0.5: w -= 0.25 g).
    Network probe = new Network(new Model(sizes, p.clone()), new ScalarKernel());
    float[] g0 = new float[p.length];
    float[] g1 = new float[p.length];
    probe.gradient(x, 0, labels[0], g0);
    probe.gradient(x, 4, labels[1], g1);
    float[] params = p.clone();
    Network net = new Network(new Model(sizes, params), new ScalarKernel());
    MomentumSgd opt = new MomentumSgd(sizes, new float[] {0.5f, 0.5f}, 0.5f, 0f);
    net.accumulateSample(x, 0, labels[0], opt);
    net.accumulateSample(x, 4, labels[1], opt);
    net.applyGradient(opt);
    for (int j = 0; j < p.length; j++) {
      assertThat(params[j]).isCloseTo(p[j] - 0.25f * (g0[j] + g1[j]) / 2, offset(1e-6f));
    }
  }

  @Test
  void l2DecayShrinksWeightsButNotBiases() {
    LayerSizes sizes = LayerSizes.of(1, 2);
    float[] params = {2f, -2f, 1f, 1f}; // W = (2, -2), b = (1, 1); input 0 leaves only the decay
    Network net = new Network(new Model(sizes, params), new ScalarKernel());
    MomentumSgd opt = new MomentumSgd(sizes, new float[] {1f}, 0f, 0.1f);
    net.trainSample(new float[] {0f}, 0, 0, opt);
    assertThat(params[0]).isCloseTo(2f - 0.2f, offset(1e-6f));
    assertThat(params[1]).isCloseTo(-2f + 0.2f, offset(1e-6f));
    // biases move by the softmax delta only: logits equal, p = (0.5, 0.5), label 0
    assertThat(params[2]).isCloseTo(1.5f, offset(1e-6f));
    assertThat(params[3]).isCloseTo(0.5f, offset(1e-6f));
  }

  @Test
  void decoupledDecayShrinksWeightsAndBiasesAsTheNotebookDoes() {
    // p = p - lr*v - decay*p, with lr 1, m 0.5, decay 0.1; input 0 gives the weights no gradient.
    LayerSizes sizes = LayerSizes.of(1, 2);
    for (String kernel : new String[] {"scalar", "vector"}) {
      float[] params = {2f, -2f, 1f, 1f};
      Network net = new Network(new Model(sizes, params), Kernels.create(kernel));
      MomentumSgd opt = new MomentumSgd(sizes, new float[] {1f}, 0.5f, 0f, 0.1f);
      net.trainSample(new float[] {0f}, 0, 0, opt);
      assertThat(params[0]).as(kernel).isCloseTo(1.8f, offset(1e-6f));
      assertThat(params[1]).as(kernel).isCloseTo(-1.8f, offset(1e-6f));
      // bias gradients p - e0 = (-0.5, 0.5), velocities 0.5 g = (-0.25, 0.25): b = 0.9*1 -/+ 0.25
      assertThat(params[2]).as(kernel).isCloseTo(1.15f, offset(1e-6f));
      assertThat(params[3]).as(kernel).isCloseTo(0.65f, offset(1e-6f));
    }
  }
}
