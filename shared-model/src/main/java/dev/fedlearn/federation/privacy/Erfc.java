package dev.fedlearn.federation.privacy;

/**
 * {@code log(erfc(x))} in double precision for every {@code x}, the Gaussian tails of {@link SampledGaussian}'s
 * fractional-order series: W. J. Cody's rational approximations, with an asymptotic series where {@code erfc} itself
 * underflows.
 */
final class Erfc {
  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

  // W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969), as in his
  // CALERF routine (netlib specfun), for IEEE double precision.
  /** Up to here erf(x) is a rational function of x^2; erfc = 1 - erf. */
  private static final double CODY_THRESH = 0.46875;
  /** Below this, x^2 is dropped (erf(x) = x * 2 / sqrt(pi) to double precision). */
  private static final double CODY_XSMALL = 1.11e-16;
  /** Beyond this, erfc(x) underflows to zero in double; log-erfc switches to the asymptotic series. */
  static final double CODY_XBIG = 26.543;
  /** Beyond this, exp(x^2) erfc(x) = 1 / (x sqrt(pi)) to double precision. */
  private static final double CODY_XHUGE = 6.71e7;
  /** 1 / sqrt(pi). */
  private static final double CODY_SQRPI = 5.6418958354775628695e-1;

  /** erf on |x| <= 0.46875: numerator coefficients. */
  private static final double[] CODY_A = {
    3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
    1.85777706184603153e-1
  };
  /** erf on |x| <= 0.46875: denominator coefficients. */
  private static final double[] CODY_B = {
    2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03
  };
  /** exp(x^2) erfc(x) on 0.46875 < x <= 4: numerator coefficients. */
  private static final double[] CODY_C = {
    5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
    8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
    2.15311535474403846e-8
  };
  /** exp(x^2) erfc(x) on 0.46875 < x <= 4: denominator coefficients. */
  private static final double[] CODY_D = {
    1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
    3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03
  };
  /** exp(x^2) erfc(x) on x > 4, in 1/x^2: numerator coefficients. */
  private static final double[] CODY_P = {
    3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
    6.58749161529837803e-4, 1.63153871373020978e-2
  };
  /** exp(x^2) erfc(x) on x > 4, in 1/x^2: denominator coefficients. */
  private static final double[] CODY_Q = {
    2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
    2.33520497626869185e-3
  };

  private Erfc() {}

  /**
   * {@code log(erfc(x))}, to about 1e-15 relative in {@code erfc}: W. J. Cody's rational approximations, with the
   * factor {@code exp(-x^2)} kept in log space for {@code x > 0.46875} (nothing underflows before {@code x = 26.543});
   * beyond that, where {@code erfc} underflows in double, the asymptotic expansion {@code -x^2 - log(x) - log(pi)/2 +
   * log(1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + 105/(16x^8) - 945/(32x^10))}, whose truncation error there is below
   * 2e-15 relative.
   */
  static double logErfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double y = Math.abs(x);
    if (y <= CODY_THRESH) {
      // erfc(x) = 1 - erf(x), erf(x) = x * R(x^2)
      double ysq = y > CODY_XSMALL ? y * y : 0;
      double num = CODY_A[4] * ysq;
      double den = ysq;
      for (int i = 0; i < 3; i++) {
        num = (num + CODY_A[i]) * ysq;
        den = (den + CODY_B[i]) * ysq;
      }
      double erf = x * (num + CODY_A[3]) / (den + CODY_B[3]);
      return Math.log1p(-erf);
    }
    if (x < 0) {
      // erfc(x) = 2 - erfc(|x|), with erfc(|x|) < 0.51 here: no cancellation.
      double tail = y >= CODY_XBIG ? 0 : Math.exp(logErfcPositive(y));
      return Math.log(2 - tail);
    }
    if (y == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    if (y >= CODY_XBIG) {
      return logErfcAsymptotic(y);
    }
    return logErfcPositive(y);
  }

  /**
   * {@code log(erfc(y))} for {@code 0.46875 < y < 26.543} by Cody: {@code erfc(y) = exp(-y^2) R(y)}, {@code R} a
   * rational function of {@code y} up to 4 and of {@code 1/y^2} beyond; {@code y^2} is split as {@code s^2 + (y - s)(y
   * + s)}, {@code s} being {@code y} truncated to 1/16, so that {@code s^2} is exact.
   */
  private static double logErfcPositive(double y) {
    double scaled; // exp(y^2) erfc(y)
    if (y <= 4) {
      double num = CODY_C[8] * y;
      double den = y;
      for (int i = 0; i < 7; i++) {
        num = (num + CODY_C[i]) * y;
        den = (den + CODY_D[i]) * y;
      }
      scaled = (num + CODY_C[7]) / (den + CODY_D[7]);
    } else if (y >= CODY_XHUGE) {
      scaled = CODY_SQRPI / y;
    } else {
      double ysq = 1 / (y * y);
      double num = CODY_P[5] * ysq;
      double den = ysq;
      for (int i = 0; i < 4; i++) {
        num = (num + CODY_P[i]) * ysq;
        den = (den + CODY_Q[i]) * ysq;
      }
      double r = ysq * (num + CODY_P[4]) / (den + CODY_Q[4]);
      scaled = (CODY_SQRPI - r) / y;
    }
    double s = Math.floor(y * 16) / 16;
    double del = (y - s) * (y + s);
    return -(s * s) - del + Math.log(scaled);
  }

  /**
   * {@code log(erfc(x))} for large {@code x} by the asymptotic expansion (as TensorFlow Privacy's fallback when
   * {@code erfc} underflows): {@code -x^2 - log(x) - log(pi)/2 + log(1 - 0.5/x^2 + 0.75/x^4 - 1.875/x^6 + 6.5625/x^8
   * - 29.53125/x^10)}.
   */
  static double logErfcAsymptotic(double x) {
    double u = 1 / (x * x);
    double series = 1 + u * (-0.5 + u * (0.75 + u * (-1.875 + u * (6.5625 + u * -29.53125))));
    return -x * x - Math.log(x) - LOG_SQRT_PI + Math.log(series);
  }
}
