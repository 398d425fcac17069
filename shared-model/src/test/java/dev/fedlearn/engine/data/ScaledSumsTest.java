package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Standardization.Sums#scaled} from a double's bits equals exact decimal arithmetic, ties to even. */
class ScaledSumsTest {
  private static BigInteger exact(double v, int shift) {
    return new BigDecimal(v).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)))
        .setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
  }

  @Test
  void equalsExactArithmeticForEveryKindOfDouble() {
    SplittableRandom random = new SplittableRandom(3);
    double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Float.MIN_VALUE,
        Float.MAX_VALUE, -Float.MAX_VALUE, 1e300, -1e-300, 0.5, 1.5, 2.5, -2.5, Math.scalb(3.0, -150),
        Math.scalb(5.0, -151), Math.scalb(1.0, -150), Math.scalb(3.0, -300)};
    for (int shift : new int[] {0, 1, 149, 298}) {
      for (double v : special) {
        assertThat(Standardization.Sums.scaled(v, shift)).as("%s * 2^%d", v, shift).isEqualTo(exact(v, shift));
      }
      for (int i = 0; i < 20_000; i++) {
        double v = Double.longBitsToDouble(random.nextLong()); // any bits: every exponent and sign
        if (Double.isFinite(v)) {
          assertThat(Standardization.Sums.scaled(v, shift)).as("%s * 2^%d", v, shift).isEqualTo(exact(v, shift));
        }
      }
    }
  }
}
