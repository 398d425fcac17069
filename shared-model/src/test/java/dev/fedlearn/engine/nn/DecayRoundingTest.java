package dev.fedlearn.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins the boundaries documented in {@link LayerStep} at which the dense kernels lose a weight decay to float
 * rounding, for weights whose input stays zero, on both kernels.
 */
class DecayRoundingTest {
  /** {@code 2^-25} and {@code 2^-24}: the documented thresholds of {@code q = lr*l2}. */
  static final double LOW = 0x1p-25;
  static final double HIGH = 0x1p-24;
  /** How far beyond a threshold the tests step, well outside the float rounding of the velocity (~1e-6). */
  static final double MARGIN = 1e-3;
  /** The learning rate of the tests, a power of two so that {@code lr*l2} is exact. */
  static final float LR = 0x1p-10f;
  /** Steps: enough for the velocity to settle ({@code m = 0.9}: ~10 steps each e-fold) and to cross the middle. */
  static final int STEPS = 20_000;
  /**
   * Where the middle regime's weights settle, relative to the threshold: the float velocity settles within a few
   * parts in 10^7 per rounding of {@code l2*w}, times about {@code 1/(1-m)} = 10 roundings. Measured: 6e-7.
   */
  static final double VELOCITY_ROUNDING = 3e-6;
  /** Weights of several significands, both signs, and an exact power of two. */
  static final float[] WEIGHTS = {1f, 1.2f, 1.5f, 1.999f, -0.3f, 0.75f, -3.7f, 0.0625f};

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void belowTwoToMinus25AWeightWithZeroInputNeverDecays(String kernel) {
    float l2 = (float) (LOW * (1 - MARGIN) / LR);
    float[] w = run(kernel, new LayerStep(LR, 0.9f, l2, 1f), WEIGHTS);
    assertThat(w).containsExactly(WEIGHTS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void theReviewersExampleNeverDecays(String kernel) {
    // learning rate 0.001, L2 1e-5: q = 1e-8 < 2^-25
    assertThat(run(kernel, new LayerStep(0.001f, 0.9f, 1e-5f, 1f), WEIGHTS)).containsExactly(WEIGHTS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void aboveTwoToMinus24EveryWeightDecaysEveryStep(String kernel) {
    LayerStep s = new LayerStep(LR, 0.9f, (float) (HIGH * (1 + MARGIN) / LR), 1f);
    Kernel k = Kernels.create(kernel);
    float[] p = layer(WEIGHTS);
    float[] v = new float[p.length];
    for (int step = 1; step <= STEPS; step++) {
      float[] before = p.clone();
      k.momentumStep(p, v, 0, WEIGHTS.length, 1, WEIGHTS.length, new float[] {1f}, 0, new float[WEIGHTS.length], 0,
          s);
      if (step > 100) { // the velocity has settled
        for (int j = 0; j < WEIGHTS.length; j++) {
          assertThat(Math.abs(p[j])).as("weight %d, step %d", j, step).isLessThan(Math.abs(before[j]));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void inBetweenAWeightDecaysUntilItsSignificandReachesTheThreshold(String kernel) {
    double q = 0.75 * HIGH; // threshold 2^-24 / q = 4/3
    float[] start = {1.3345f, 1.2f, -2 * 1.3345f, 1f};
    float[] w = run(kernel, new LayerStep(LR, 0.9f, (float) (q / LR), 1f), start);
    assertThat((double) w[0]).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(4.0 / 3 * VELOCITY_ROUNDING));
    assertThat(w[0]).as("it moved").isLessThan(start[0]);
    assertThat(w[1]).as("below the threshold it never moves").isEqualTo(start[1]);
    assertThat((double) w[2]).isCloseTo(-8.0 / 3, org.assertj.core.data.Offset.offset(8.0 / 3 * VELOCITY_ROUNDING));
    assertThat(w[3]).as("an exact power of two steps into the binade below").isLessThan(start[3]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void decoupledDecayVanishesAtTwoToMinus25AndActsAboveIt(String kernel) {
    LayerSizes sizes = LayerSizes.of(WEIGHTS.length, 2);
    LayerStep none = new MomentumSgd(sizes, new float[] {LR}, 0.9f, 0f, (float) LOW).step(1);
    assertThat(none.keep()).isEqualTo(1f);
    assertThat(run(kernel, none, WEIGHTS)).containsExactly(WEIGHTS);
    LayerStep some = new MomentumSgd(sizes, new float[] {LR}, 0.9f, 0f, Math.nextUp((float) LOW)).step(1);
    assertThat(some.keep()).isLessThan(1f);
    float[] w = run(kernel, some, WEIGHTS);
    for (int j = 0; j < w.length; j++) {
      // at least one float step per step (about 2^-24 |w| or more), from the first step on
      assertThat(Math.abs(w[j])).isLessThan(Math.abs(WEIGHTS[j]) * (float) (1 - STEPS * 0x1p-25));
    }
  }

  /** {@link #STEPS} dense steps of one row with zero inputs and a non-zero delta; returns the weights. */
  private static float[] run(String kernel, LayerStep s, float[] weights) {
    Kernel k = Kernels.create(kernel);
    float[] p = layer(weights);
    float[] v = new float[p.length];
    float[] x = new float[weights.length];
    float[] d = {1f};
    for (int step = 0; step < STEPS; step++) {
      k.momentumStep(p, v, 0, weights.length, 1, weights.length, d, 0, x, 0, s);
    }
    return java.util.Arrays.copyOf(p, weights.length);
  }

  /** One row of the given weights, then its bias. */
  private static float[] layer(float[] weights) {
    return java.util.Arrays.copyOf(weights, weights.length + 1);
  }
}
