package dev.fedlearn.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fixed-point encoding on tiny literal vectors: the scale, clipping, signs, the ring sum and its decoding. */
class FixedPointTest {
  /** The largest signed int: an encoded sum must stay within it. */
  static final double RING_MAX = Integer.MAX_VALUE;

  /** The ring sum of encoded inputs, as secure aggregation gives it. */
  static int[] ringSum(int[]... encoded) {
    int[] sum = new int[encoded[0].length];
    for (int[] e : encoded) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += e[j];
      }
    }
    return sum;
  }

  static double clip(float w, float bound) {
    return Math.max(-bound, Math.min(bound, w));
  }

  @Test
  void theScaleIsTheLargestPowerOfTwoAtWhichTheSumCannotWrap() {
    assertThat(FixedPoint.scale(1, 10)).as("10 x (2^27 + 1/2) fits, 10 x 2^28 does not").isEqualTo(0x1p27);
    for (double bound : new double[] {1e-3, 0.7, 1, 3.5, 100}) {
      for (long total : new long[] {1, 10, 1000, 60_000, 1_000_000}) {
        double s = FixedPoint.scale(bound, total);
        assertThat(s).as("bound %s, %s samples", bound, total).isGreaterThanOrEqualTo(1)
            .isEqualTo(Math.scalb(1.0, Math.getExponent(s)));
        assertThat(total * (bound * s + 0.5)).as("every term at the bound, rounded up").isLessThanOrEqualTo(RING_MAX);
        assertThat(total * (bound * 2 * s + 0.5)).as("twice the scale would not fit").isGreaterThan(RING_MAX);
      }
    }
  }

  @Test
  void aTotalThatWouldWrapIsRefused() {
    assertThatThrownBy(() -> FixedPoint.scale(1, 2_000_000_000L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower the clipping bound or the total sample count");
    assertThatThrownBy(() -> FixedPoint.scale(1e9, 3)).hasMessageContaining("lower the clipping bound");
    assertThatThrownBy(() -> FixedPoint.scale(0, 10)).hasMessageContaining("positive");
    assertThatThrownBy(() -> FixedPoint.scale(1, 0)).hasMessageContaining("1 or more");
    double forTen = FixedPoint.scale(1, 10);
    assertThatThrownBy(() -> FixedPoint.encode(new float[] {1}, 1000, 1f, forTen))
        .as("a client with more samples than the scale was made for").hasMessageContaining("exceed 32 bits");
  }

  @Test
  void weightsAreClippedScaledByTheSampleCountAndRounded() {
    assertThat(FixedPoint.encode(new float[] {5, -5, 0.25f, 0.3f, -0.3f}, 2, 1f, 4))
        .as("clipped to 1 and -1, then 2 x w x 4, rounded; the count last").containsExactly(8, -8, 2, 2, -2, 2);
    int[] negative = FixedPoint.encode(new float[] {-0.25f}, 1, 1f, 4);
    assertThat(Integer.toUnsignedLong(negative[0])).as("-1 mod 2^32").isEqualTo((1L << 32) - 1);
    assertThat(FixedPoint.encode(new float[] {0.5f}, 0, 1f, 4)).as("no samples, no weight").containsExactly(0, 0);
    assertThatThrownBy(() -> FixedPoint.encode(new float[] {0, Float.NaN}, 1, 1f, 4))
        .hasMessageContaining("weight 1 is NaN");
  }

  @Test
  void threeClientsSummedInTheRingDecodeToTheirWeightedMean() {
    float bound = 1.5f;
    float[][] weights = {{0.25f, -1f, 2.5f, 0.1f}, {0.5f, 0.75f, -4f, -0.3f}, {-0.125f, 1.5f, 0f, 0.7f}};
    int[] samples = {3, 5, 2};
    long total = 10;
    double scale = FixedPoint.scale(bound, total);
    int[][] encoded = new int[3][];
    for (int k = 0; k < 3; k++) {
      encoded[k] = FixedPoint.encode(weights[k], samples[k], bound, scale);
    }
    FixedPoint.Decoded d = FixedPoint.decode(ringSum(encoded), scale);
    assertThat(d.samples()).isEqualTo(total);
    double tolerance = FixedPoint.errorBound(3, scale, total);
    assertThat(tolerance).as("the bound is tight enough to mean something").isLessThan(1e-6);
    for (int j = 0; j < 4; j++) {
      double exact = 0;
      for (int k = 0; k < 3; k++) {
        exact += samples[k] * clip(weights[k][j], bound);
      }
      assertThat((double) d.mean()[j]).as("weight %d", j).isCloseTo(exact / total, within(tolerance));
    }
    assertThat((double) d.mean()[2]).as("2.5 and -4 clipped to 1.5 and -1.5").isCloseTo((3 * 1.5 - 5 * 1.5) / 10.0,
        within(tolerance));
  }

  @Test
  void clientsAllAtTheBoundDoNotWrap() {
    float bound = 0.7f;
    int[] samples = {100, 200, 50, 150, 300, 120, 80};
    long total = 1000;
    double scale = FixedPoint.scale(bound, total);
    int[][] encoded = new int[samples.length][];
    for (int k = 0; k < samples.length; k++) {
      encoded[k] = FixedPoint.encode(new float[] {bound, -bound, 9f, -9f}, samples[k], bound, scale);
    }
    int[] sum = ringSum(encoded);
    assertThat(sum[0]).as("the signed sum stays positive").isPositive();
    assertThat(sum[1]).isNegative();
    FixedPoint.Decoded d = FixedPoint.decode(sum, scale);
    double tolerance = FixedPoint.errorBound(samples.length, scale, total);
    assertThat((double) d.mean()[0]).isCloseTo(bound, within(tolerance));
    assertThat((double) d.mean()[1]).isCloseTo(-bound, within(tolerance));
    assertThat((double) d.mean()[2]).isCloseTo(bound, within(tolerance));
    assertThat((double) d.mean()[3]).isCloseTo(-bound, within(tolerance));
  }

  @Test
  void decodingReadsTheCountUnsignedAndRefusesZero() {
    assertThat(FixedPoint.decode(new int[] {-8, 4}, 2).mean()).containsExactly(-1f);
    assertThat(FixedPoint.decode(new int[] {0, -1}, 1).samples()).isEqualTo((1L << 32) - 1);
    assertThatThrownBy(() -> FixedPoint.decode(new int[] {5, 0}, 1)).isInstanceOf(SecAggException.class)
        .hasMessageContaining("total sample count is 0");
    assertThat(new FixedPoint.Decoded(new float[16_000], 3).toString()).isEqualTo("Decoded[mean=float[16000], "
        + "samples=3]");
  }
}
