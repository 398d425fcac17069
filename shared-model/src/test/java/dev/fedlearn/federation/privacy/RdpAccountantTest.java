package dev.fedlearn.federation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.fedlearn.federation.privacy.RdpAccountant.Spent;
import org.junit.jupiter.api.Test;

class RdpAccountantTest {
  /** TensorFlow Privacy's rdp_accountant_test.py compares with assertAlmostEqual(places=5): |a - b| below 5e-6. */
  private static final double TF_PLACES_5 = 5e-6;
  /** Against a 60-digit numerical integration of A_alpha (mpmath.quad): relative agreement. */
  private static final double MP_RELATIVE = 1e-10;
  /** Against the same integration: the absolute floor for tiny RDP values (a few ulps of A_alpha near 1). */
  private static final double MP_ABSOLUTE = 1e-14;
  /** log(erfc(x)) against 40-digit values: absolute in the log, which is relative in erfc. */
  private static final double LOG_ERFC_ABS = 1e-12;
  /** The integer and fractional formulas on either side of an integer order: relative agreement. */
  private static final double NEAR_INTEGER_RELATIVE = 1e-6;

  private static final double INF = Double.POSITIVE_INFINITY;

  /** TF's composition test's orders (TF's default list). */
  private static final double[] TF_ORDERS = {
    1.25, 1.5, 1.75, 2., 2.5, 3., 4., 5., 6., 7., 8., 10., 12., 14., 16., 20., 24., 28., 32., 64., 256.
  };

  /** The integer orders 2..32. */
  private static double[] twoToThirtyTwo() {
    double[] orders = new double[31];
    for (int i = 0; i < orders.length; i++) {
      orders[i] = i + 2;
    }
    return orders;
  }

  /** {@code steps} times the one-step RDP at each order. */
  private static double[] composed(double q, double sigma, long steps, double[] orders) {
    double[] r = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      r[i] = steps * RdpAccountant.rdp(q, sigma, orders[i]);
    }
    return r;
  }

  // TensorFlow Privacy's published values (rdp_accountant_test.py).

  @Test
  void tfComputeRdpScalar() {
    assertThat(10 * RdpAccountant.rdp(0.1, 2, 5)).isCloseTo(0.07737, offset(TF_PLACES_5));
  }

  @Test
  void tfComputeRdpSequence() {
    double[] orders = {1.5, 2.5, 5, 50, 100, INF};
    double[] correct = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, INF};
    double[] got = composed(0.01, 2.5, 50, orders);
    for (int i = 0; i < orders.length; i++) {
      if (correct[i] == INF) {
        assertThat(got[i]).as("order %s", orders[i]).isEqualTo(INF);
      } else {
        assertThat(got[i]).as("order %s", orders[i]).isCloseTo(correct[i], offset(TF_PLACES_5));
      }
    }
  }

  @Test
  void tfGetPrivacySpent() {
    double[] orders = twoToThirtyTwo();
    Spent spent = RdpAccountant.epsilon(orders, composed(0.01, 4, 10000, orders), 1e-5);
    assertThat(spent.epsilon()).isCloseTo(1.258575, offset(TF_PLACES_5));
    assertThat(spent.order()).isEqualTo(20);

    Spent viaInstance = new RdpAccountant(0.01, 4, orders).spent(10000, 1e-5);
    assertThat(viaInstance).isEqualTo(spent);
  }

  @Test
  void tfComputePrivacyLossComposition() {
    double[] a = composed(0.01, 4, 10000, TF_ORDERS);
    double[] b = composed(0.1, 2, 100, TF_ORDERS);
    double[] sum = new double[TF_ORDERS.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = a[i] + b[i];
    }
    Spent spent = RdpAccountant.epsilon(TF_ORDERS, sum, 1e-5);
    assertThat(spent.epsilon()).isCloseTo(3.276237, offset(TF_PLACES_5));
    assertThat(spent.order()).isEqualTo(8);
  }

  @Test
  void defaultOrdersAreTfs() {
    assertThat(RdpAccountant.DEFAULT_ORDERS).containsExactly(TF_ORDERS);
    assertThat(new RdpAccountant(0.01, 4).orders()).containsExactly(TF_ORDERS);
  }

  // Agreement with an independent computation.

  @Test
  void matchesMultiPrecisionIntegration() {
    // log(A_alpha) / (alpha - 1) with A_alpha = integral of mu0 ((1 - q) + q mu1/mu0)^alpha, by mpmath.quad at 60
    // digits (TF's test_compare_with_mp does the same).
    assertMultiPrecision(RdpAccountant.rdp(0.1, 1, 5), 0.1298774332839970182);
    assertMultiPrecision(RdpAccountant.rdp(0.5, 2, 32.5), 3.347740937885365044);
    assertMultiPrecision(RdpAccountant.rdp(0.01, 2.5, 1.5), 1.3001417943760794735e-5);
    assertMultiPrecision(RdpAccountant.rdp(0.01, 2.5, 2.5), 2.1708361138362486063e-5);
    assertMultiPrecision(RdpAccountant.rdp(0.1, 10, 255.9), 0.01720373003401104152);
    assertMultiPrecision(RdpAccountant.rdp(0.01, 4, 3.0000001), 9.6804488856367357195e-6);
  }

  /**
   * Within {@link #MP_RELATIVE}, or {@link #MP_ABSOLUTE} for tiny values: when A_alpha is 1 + 1e-5, log(A_alpha)
   * carries the rounding of a sum near 1 (TF's double computation differs from mpmath there by the same 5e-15).
   */
  private static void assertMultiPrecision(double actual, double expected) {
    assertThat(actual).isCloseTo(expected, offset(Math.max(MP_RELATIVE * Math.abs(expected), MP_ABSOLUTE)));
  }

  @Test
  void integerAndFractionalFormulasAgreeNearAnInteger() {
    double[][] cases = {{0.01, 4, 3}, {0.1, 2, 5}, {0.5, 1, 2}, {0.01, 2.5, 32}};
    for (double[] c : cases) {
      double atInteger = RdpAccountant.rdp(c[0], c[1], c[2]);
      assertThat(RdpAccountant.rdp(c[0], c[1], c[2] + 1e-7))
          .as("q %s sigma %s order %s", c[0], c[1], c[2])
          .isCloseTo(atInteger, withPercentage(100 * NEAR_INTEGER_RELATIVE));
      assertThat(RdpAccountant.rdp(c[0], c[1], c[2] - 1e-7))
          .as("q %s sigma %s order %s", c[0], c[1], c[2])
          .isCloseTo(atInteger, withPercentage(100 * NEAR_INTEGER_RELATIVE));
    }
  }

  // Properties.

  @Test
  void fullSamplingIsThePlainGaussianMechanism() {
    assertThat(RdpAccountant.rdp(1, 2, 5)).isEqualTo(5 / (2 * 2.0 * 2.0));
    assertThat(RdpAccountant.rdp(1, 1.3, 2.5)).isEqualTo(2.5 / (2 * 1.3 * 1.3));
    assertThat(RdpAccountant.rdp(1, 0.7, 1.25)).isEqualTo(1.25 / (2 * 0.7 * 0.7));
  }

  @Test
  void noSamplingNoNoiseAndInfiniteOrder() {
    for (double order : new double[] {1.5, 2, 32, 256, INF}) {
      assertThat(RdpAccountant.rdp(0, 1, order)).as("q = 0, order %s", order).isZero();
      assertThat(RdpAccountant.rdp(0.1, 0, order)).as("sigma = 0, order %s", order).isEqualTo(INF);
    }
    assertThat(RdpAccountant.rdp(0.1, 1, INF)).isEqualTo(INF);
    assertThat(RdpAccountant.rdp(0.1, INF, 5)).isZero();
    assertThat(new RdpAccountant(0.1, 0).spent(1, 1e-5).epsilon()).as("no noise, no privacy").isEqualTo(INF);
  }

  @Test
  void rdpGrowsWithTheOrderAndTheSamplingRate() {
    double previous = 0;
    for (double order : TF_ORDERS) {
      double r = RdpAccountant.rdp(0.05, 1.5, order);
      assertThat(r).as("order %s", order).isGreaterThan(previous);
      previous = r;
    }
    assertThat(RdpAccountant.rdp(0.2, 1.5, 8)).isGreaterThan(RdpAccountant.rdp(0.1, 1.5, 8));
    assertThat(RdpAccountant.rdp(0.1, 1.5, 8)).isLessThan(RdpAccountant.rdp(1, 1.5, 8));
  }

  @Test
  void epsilonGrowsWithRoundsAndShrinksWithNoise() {
    RdpAccountant accountant = new RdpAccountant(0.1, 1.1);
    double previous = 0;
    for (long rounds : new long[] {1, 10, 100, 1000, 10000}) {
      double e = accountant.spent(rounds, 1e-5).epsilon();
      assertThat(e).as("%s rounds", rounds).isGreaterThan(previous);
      previous = e;
    }
    previous = INF;
    for (double sigma : new double[] {0.5, 0.8, 1, 2, 4, 8}) {
      double e = new RdpAccountant(0.1, sigma).spent(100, 1e-5).epsilon();
      assertThat(e).as("sigma %s", sigma).isLessThan(previous);
      previous = e;
    }
    assertThat(accountant.spent(100, 1e-3).epsilon()).as("a larger delta, a smaller epsilon")
        .isLessThan(accountant.spent(100, 1e-5).epsilon());
  }

  @Test
  void spentComposesRoundsAdditively() {
    RdpAccountant accountant = new RdpAccountant(0.02, 1.2);
    double[] perRound = accountant.rdpPerRound();
    double[] orders = accountant.orders();
    double[] times = new double[perRound.length];
    for (int i = 0; i < perRound.length; i++) {
      assertThat(perRound[i]).isEqualTo(RdpAccountant.rdp(0.02, 1.2, orders[i]));
      times[i] = 500 * perRound[i];
    }
    assertThat(accountant.spent(500, 1e-5)).isEqualTo(RdpAccountant.epsilon(orders, times, 1e-5));
  }

  @Test
  void nothingSpentWithoutRoundsOrSampling() {
    assertThat(new RdpAccountant(0.1, 1).spent(0, 1e-5)).isEqualTo(new Spent(0, INF));
    assertThat(new RdpAccountant(0, 1).spent(1000, 1e-5)).isEqualTo(new Spent(0, INF));
    assertThat(new RdpAccountant(0.1, 0).spent(0, 1e-5).epsilon()).isZero();
  }

  @Test
  void epsilonIsTheClassicConversion() {
    double[] orders = {2, 3, INF};
    double[] rdp = {0.5, 0.4, 3};
    double delta = 1e-3;
    // eps(2) = 0.5 + log(1000), eps(3) = 0.4 + log(1000)/2, eps(inf) = 3
    Spent spent = RdpAccountant.epsilon(orders, rdp, delta);
    assertThat(spent.epsilon()).isEqualTo(3);
    assertThat(spent.order()).isEqualTo(INF);
    spent = RdpAccountant.epsilon(new double[] {2, 3}, new double[] {0.5, 0.4}, delta);
    assertThat(spent.epsilon()).isCloseTo(0.4 + Math.log(1000) / 2, offset(1e-15));
    assertThat(spent.order()).isEqualTo(3);
  }

  @Test
  void epsilonIgnoresNaNAndReportsInfinity() {
    Spent spent = RdpAccountant.epsilon(new double[] {2, 3, 4}, new double[] {Double.NaN, 1, Double.NaN}, 1e-5);
    assertThat(spent.order()).isEqualTo(3);
    assertThat(spent.epsilon()).isCloseTo(1 - Math.log(1e-5) / 2, offset(1e-15));

    spent = RdpAccountant.epsilon(new double[] {2, 3}, new double[] {INF, INF}, 1e-5);
    assertThat(spent.epsilon()).isEqualTo(INF);
    assertThat(spent.order()).isEqualTo(2);

    assertThatThrownBy(() -> RdpAccountant.epsilon(new double[] {2}, new double[] {Double.NaN}, 1e-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }

  @Test
  void invalidArgumentsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> RdpAccountant.rdp(-0.1, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q must be in [0, 1], got -0.1");
    assertThatThrownBy(() -> RdpAccountant.rdp(1.5, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> RdpAccountant.rdp(Double.NaN, 1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.1, -1, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma must be 0 or more, got -1.0");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.1, Double.NaN, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order must be greater than 1, got 1.0");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.1, 1, 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than 1");
    assertThatThrownBy(() -> RdpAccountant.rdp(0.1, 1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order");
    assertThatThrownBy(() -> new RdpAccountant(0.1, 1, new double[] {2, 0.9}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0.9");
    assertThatThrownBy(() -> new RdpAccountant(0.1, 1, new double[0]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");

    RdpAccountant accountant = new RdpAccountant(0.1, 1);
    for (double delta : new double[] {0, 1, -1e-5, 2, Double.NaN}) {
      assertThatThrownBy(() -> accountant.spent(10, delta))
          .as("delta %s", delta).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    }
    assertThatThrownBy(() -> accountant.spent(-1, 1e-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds must be 0 or more, got -1");
    assertThatThrownBy(() -> RdpAccountant.epsilon(new double[] {2, 3}, new double[] {1}, 1e-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same length");
    assertThatThrownBy(() -> RdpAccountant.epsilon(new double[] {2}, new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    assertThatThrownBy(() -> RdpAccountant.epsilon(new double[] {1}, new double[] {1}, 1e-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than 1");
  }

  @Test
  void theAccountantKeepsItsOwnCopies() {
    double[] orders = {2, 4, 8};
    RdpAccountant accountant = new RdpAccountant(0.1, 1, orders);
    Spent before = accountant.spent(50, 1e-5);
    orders[0] = 1000;
    accountant.orders()[1] = 1000;
    accountant.rdpPerRound()[2] = 0;
    assertThat(accountant.orders()).containsExactly(2, 4, 8);
    assertThat(accountant.spent(50, 1e-5)).isEqualTo(before);
    assertThat(accountant.q()).isEqualTo(0.1);
    assertThat(accountant.sigma()).isEqualTo(1);
  }

  // log(erfc(x)).

  @Test
  void logErfcMatchesKnownValues() {
    assertThat(Erfc.logErfc(0)).isZero();
    assertRelative(0.5, 0.4795001221869535);
    assertRelative(1, 0.15729920705028513);
    assertRelative(3, 2.209049699858544e-05);
    assertRelative(10, 2.088487583762545e-45);
    // Each of Cody's intervals, and negative arguments (erfc(-x) = 2 - erfc(x)); 40-digit values by mpmath.
    assertRelative(0.3, 0.67137324054087258381);
    assertRelative(4.5, 1.9661604415428874763e-10);
    assertRelative(-0.3, 1.3286267594591274162);
    assertRelative(-1, 1.8427007929497148693);
    assertThat(Erfc.logErfc(-30)).isCloseTo(Math.log(2), offset(LOG_ERFC_ABS));
    assertThat(Erfc.logErfc(Double.POSITIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(Erfc.logErfc(Double.NEGATIVE_INFINITY)).isEqualTo(Math.log(2));
  }

  @Test
  void logErfcOfLargeArgumentsWhereErfcUnderflows() {
    // log(erfc(x)) by mpmath at 40 digits: erfc(27) ~ 5.2e-319 and erfc(30) ~ 2.6e-393 are beyond a double's range.
    assertThat(Erfc.logErfc(26)).isCloseTo(-679.8311997631942302624, offset(LOG_ERFC_ABS));
    assertThat(Erfc.logErfc(27)).isCloseTo(-732.8688865078974109764, offset(LOG_ERFC_ABS));
    assertThat(Erfc.logErfc(30)).isCloseTo(-903.9741171106438780796, offset(LOG_ERFC_ABS));
    // 27 and 30 take the asymptotic branch; at the switch, the asymptotic series and Cody's formula agree.
    assertThat(Erfc.logErfc(30)).isEqualTo(Erfc.logErfcAsymptotic(30));
    double below = Math.nextDown(Erfc.CODY_XBIG);
    assertThat(Erfc.logErfc(below)).isCloseTo(Erfc.logErfcAsymptotic(below), offset(LOG_ERFC_ABS));
    assertThat(Erfc.logErfcAsymptotic(26)).isCloseTo(-679.8311997631942302624, offset(LOG_ERFC_ABS));
  }

  /** log(erfc(x)) is log(expected) to {@link #LOG_ERFC_ABS}: erfc is within that relative error. */
  private static void assertRelative(double x, double expected) {
    assertThat(Erfc.logErfc(x)).as("log erfc(%s)", x).isCloseTo(Math.log(expected), offset(LOG_ERFC_ABS));
    assertThat(Math.exp(Erfc.logErfc(x)))
        .as("erfc(%s)", x)
        .isCloseTo(expected, withPercentage(100 * LOG_ERFC_ABS * 2));
  }
}
