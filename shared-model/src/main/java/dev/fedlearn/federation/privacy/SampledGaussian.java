package dev.fedlearn.federation.privacy;

/**
 * The sums behind {@link RdpAccountant#rdp}: {@code log A_alpha} of the sampled Gaussian mechanism (Mironov, Talwar,
 * Zhang 2019), as TensorFlow Privacy's {@code _compute_log_a_int} and {@code _compute_log_a_frac}, summed in log space.
 * {@code halfInvVar} is {@code 1 / (2 sigma^2)}; the callers have checked {@code 0 < q < 1} and {@code 0 < sigma}.
 */
final class SampledGaussian {
  /** The fractional-order series stops once both of its terms fall below {@code e^-30} (as TensorFlow Privacy). */
  private static final double LOG_SERIES_CUTOFF = -30;

  private static final double LOG_HALF = Math.log(0.5);
  private static final double SQRT_TWO = Math.sqrt(2);

  private SampledGaussian() {}

  /**
   * {@code log A_alpha} for integer {@code alpha}: {@code log sum_{k=0..alpha} C(alpha, k) (1-q)^(alpha-k) q^k
   * exp((k^2 - k) / (2 sigma^2))}, each term in log space, the binomial's log built up term by term.
   */
  static double logAInteger(double q, double halfInvVar, int alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double logA = Double.NEGATIVE_INFINITY;
    double logBinom = 0; // log C(alpha, 0)
    for (int k = 0; k <= alpha; k++) {
      if (k > 0) {
        // C(alpha, k) = C(alpha, k - 1) * (alpha - k + 1) / k
        logBinom += Math.log((alpha - k + 1.0) / k);
      }
      double s = logBinom + k * logQ + (alpha - k) * log1mQ + (double) k * (k - 1) * halfInvVar;
      logA = logAdd(logA, s);
    }
    return logA;
  }

  /**
   * {@code log A_alpha} for fractional {@code alpha} (TensorFlow Privacy's {@code _compute_log_a_frac}): the sum of
   * two series over {@code i = 0, 1, ...} with {@code j = alpha - i}, the binomial coefficient {@code C(alpha, i)}
   * (negative for some {@code i}, whose terms are subtracted), and the Gaussian tails {@code erfc((i - z0) / (sqrt(2)
   * sigma)) / 2} and {@code erfc((z0 - j) / (sqrt(2) sigma)) / 2} about {@code z0 = sigma^2 log(1/q - 1) + 1/2}.
   * Stops after the first {@code i} at which both terms are below {@code e^-30}.
   */
  static double logAFractional(double q, double sigma, double halfInvVar, double alpha) {
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    // log(1/q - 1) = log((1 - q) / q)
    double z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
    double scale = SQRT_TWO * sigma;
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double logAbsCoef = 0; // log |C(alpha, 0)|
    boolean positive = true; // the sign of C(alpha, i)
    for (int i = 0; ; i++) {
      if (i > 0) {
        // C(alpha, i) = C(alpha, i - 1) * (alpha - i + 1) / i; the factor is negative once i > alpha + 1.
        double factor = (alpha - i + 1) / i;
        logAbsCoef += Math.log(Math.abs(factor));
        if (factor < 0) {
          positive = !positive;
        }
      }
      double j = alpha - i;
      double logT0 = logAbsCoef + i * logQ + j * log1mQ;
      double logT1 = logAbsCoef + j * logQ + i * log1mQ;
      double logE0 = LOG_HALF + Erfc.logErfc((i - z0) / scale);
      double logE1 = LOG_HALF + Erfc.logErfc((z0 - j) / scale);
      double logS0 = logT0 + (double) i * (i - 1) * halfInvVar + logE0;
      double logS1 = logT1 + j * (j - 1) * halfInvVar + logE1;
      if (positive) {
        logA0 = logAdd(logA0, logS0);
        logA1 = logAdd(logA1, logS1);
      } else {
        logA0 = logSub(logA0, logS0);
        logA1 = logSub(logA1, logS1);
      }
      // Written so that a NaN term ends the series too (its NaN then reaches the result).
      if (!(Math.max(logS0, logS1) >= LOG_SERIES_CUTOFF)) {
        break;
      }
    }
    return logAdd(logA0, logA1);
  }

  /** {@code log(exp(a) + exp(b))} without overflow. */
  private static double logAdd(double a, double b) {
    double lo = Math.min(a, b);
    double hi = Math.max(a, b);
    if (lo == Double.NEGATIVE_INFINITY || hi == Double.POSITIVE_INFINITY) {
      return hi;
    }
    return Math.log1p(Math.exp(lo - hi)) + hi;
  }

  /** {@code log(exp(a) - exp(b))} for {@code a >= b}, without overflow. */
  private static double logSub(double a, double b) {
    if (a < b) {
      throw new ArithmeticException("log-space subtraction would go negative: " + a + " < " + b);
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    if (a == b) {
      return Double.NEGATIVE_INFINITY;
    }
    double m = Math.expm1(a - b);
    // When exp(a - b) overflows, log(exp(a) - exp(b)) is a to double precision.
    return m == Double.POSITIVE_INFINITY ? a : Math.log(m) + b;
  }
}
