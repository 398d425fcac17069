package dev.fedlearn.federation.privacy;

import java.util.Objects;

/**
 * A privacy accountant for DP-FedAvg (McMahan, Ramage, Talwar, Zhang 2018, "Learning Differentially Private Recurrent
 * Language Models"): the Rényi differential privacy (RDP) of the sampled Gaussian mechanism, composed over rounds and
 * converted to {@code (epsilon, delta)}, as TensorFlow Privacy's {@code rdp_accountant.py} computes it.
 *
 * <p><b>The mechanism.</b> Each round samples every client independently with probability {@code q} (Poisson
 * sampling, the client fraction), clips each sampled client's update to L2 norm {@code C}, sums the clipped updates and
 * adds Gaussian noise of standard deviation {@code sigma * C} to every coordinate of the sum ({@code sigma} is the
 * noise multiplier). Adjacency is client-level: two federations differ by adding or removing one client (all of its
 * data), so the sum has L2 sensitivity {@code C} and one round is the sampled Gaussian mechanism with sampling rate
 * {@code q} and noise {@code sigma} relative to the sensitivity.
 *
 * <p><b>Sampling must be secret to amplify.</b> {@code q < 1} bounds the privacy loss only when nobody can tell
 * whether a client was in a round. This project's picks are not secret (drawn from the public run seed and published
 * with every round), so its runs are accounted with {@code q = 1}, client by client, by {@link
 * ParticipationAccountant}: every round a client was picked for is the plain Gaussian mechanism, RDP {@code alpha /
 * (2 sigma^2)}. {@code q < 1} stays here for what it is (TensorFlow Privacy's reference values).
 *
 * <p><b>RDP of one round</b> (Mironov 2017, "Rényi Differential Privacy"; Mironov, Talwar, Zhang 2019, "Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism"): at order {@code alpha > 1} it is {@code log(A_alpha) /
 * (alpha - 1)} with {@code A_alpha = E_{z ~ mu0}[((1 - q) + q mu1(z) / mu0(z))^alpha]}, {@code mu0 = N(0, sigma^2)},
 * {@code mu1 = N(1, sigma^2)}. For integer orders {@code A_alpha} is the finite binomial sum of Mironov, Talwar,
 * Zhang; for fractional orders the two infinite series split at {@code z0 = sigma^2 log(1/q - 1) +
 * 1/2}, with Gaussian tail probabilities written through {@code erfc}, cut when both terms fall below {@code e^-30}.
 * Everything is summed in log space. RDP composes additively: {@code T} rounds have {@code T} times the RDP of one.
 *
 * <p><b>Conversion to (epsilon, delta)</b>: the classic bound of Mironov 2017 (Proposition 3), {@code epsilon =
 * min over the orders of rdp(alpha) + log(1/delta) / (alpha - 1)}, as TensorFlow Privacy's older
 * {@code get_privacy_spent}. It is slightly conservative: newer conversions (Balle et al. 2020, "Hypothesis Testing
 * Interpretations and Renyi Differential Privacy"; Canonne, Kamath, Steinke 2020) give a somewhat smaller epsilon from
 * the same RDP curve.
 *
 * <p>Immutable; the per-round RDP at every order is computed once, in the constructor. Nothing depends on the locale.
 */
public final class RdpAccountant {
  /** TensorFlow Privacy's default RDP orders. */
  public static final double[] DEFAULT_ORDERS = {
    1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256
  };

  /**
   * The privacy spent: {@code epsilon} at the {@code delta} asked for, and the RDP order that gave it.
   *
   * @param epsilon the smallest epsilon over the orders ({@code +infinity}: no privacy)
   * @param order the RDP order at which it was reached
   */
  public record Spent(double epsilon, double order) {}

  /** The fractional-order series stops once both of its terms fall below {@code e^-30} (as TensorFlow Privacy). */
  private static final double LOG_SERIES_CUTOFF = -30;

  private static final double LOG_HALF = Math.log(0.5);
  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
  private static final double SQRT_TWO = Math.sqrt(2);

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

  private final double q;
  private final double sigma;
  private final double[] orders;
  /** The RDP of one round at each of {@link #orders}. */
  private final double[] stepRdp;

  /**
   * An accountant for rounds that sample clients with probability {@code q} and add noise of {@code sigma} times the
   * clip norm, at {@link #DEFAULT_ORDERS}.
   */
  public RdpAccountant(double q, double sigma) {
    this(q, sigma, DEFAULT_ORDERS);
  }

  /**
   * An accountant for rounds that sample clients with probability {@code q} and add noise of {@code sigma} times the
   * clip norm, at the given RDP orders (each greater than 1; {@code +infinity} allowed). The orders are copied.
   */
  public RdpAccountant(double q, double sigma, double[] orders) {
    Objects.requireNonNull(orders, "orders");
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    this.q = q;
    this.sigma = sigma;
    this.orders = orders.clone();
    this.stepRdp = new double[this.orders.length];
    for (int i = 0; i < this.orders.length; i++) {
      // rdp checks q, sigma and the order.
      stepRdp[i] = rdp(q, sigma, this.orders[i]);
    }
  }

  /** The client sampling probability of a round. */
  public double q() {
    return q;
  }

  /** The noise multiplier: the noise's standard deviation over the clip norm. */
  public double sigma() {
    return sigma;
  }

  /** A copy of the RDP orders. */
  public double[] orders() {
    return orders.clone();
  }

  /** A copy of the RDP of one round at each of {@link #orders()}. */
  public double[] rdpPerRound() {
    return stepRdp.clone();
  }

  /**
   * The privacy spent after {@code rounds} rounds at {@code delta}: the RDP of one round times {@code rounds} at every
   * order, converted by {@link #epsilon}. A run that never looks at the data (no rounds, or {@code q = 0}) or whose
   * noise is infinite has epsilon 0 exactly, reported at order {@code +infinity} (the limit of the conversion as the
   * order grows, since its RDP is 0 at every order).
   *
   * @throws IllegalArgumentException if {@code rounds} is negative or {@code delta} is not in (0, 1)
   */
  public Spent spent(long rounds, double delta) {
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be 0 or more, got " + rounds);
    }
    checkDelta(delta);
    if (rounds == 0 || q == 0 || sigma == Double.POSITIVE_INFINITY) {
      return new Spent(0, Double.POSITIVE_INFINITY);
    }
    double[] total = new double[stepRdp.length];
    for (int i = 0; i < total.length; i++) {
      total[i] = rounds * stepRdp[i];
    }
    return epsilon(orders, total, delta);
  }

  /**
   * The RDP of one round of the sampled Gaussian mechanism at {@code order}, as TensorFlow Privacy's
   * {@code _compute_rdp}: 0 if {@code q = 0}; {@code +infinity} if {@code sigma = 0}; {@code order / (2 sigma^2)} if
   * {@code q = 1} (the plain Gaussian mechanism); {@code +infinity} at order {@code +infinity}; otherwise
   * {@code log(A_alpha) / (alpha - 1)}, by the binomial sum for integer orders and the two-series formula for
   * fractional ones. A noise multiplier of {@code +infinity} gives 0. The cost of an integer order grows linearly with
   * it.
   *
   * @param q client sampling probability, in [0, 1]
   * @param sigma noise multiplier, 0 or more
   * @param order RDP order, greater than 1 ({@code +infinity} allowed)
   * @throws IllegalArgumentException if an argument is out of range or NaN
   */
  public static double rdp(double q, double sigma, double order) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("the sampling probability q must be in [0, 1], got " + q);
    }
    if (!(sigma >= 0)) {
      throw new IllegalArgumentException("the noise multiplier sigma must be 0 or more, got " + sigma);
    }
    if (!(order > 1)) {
      throw new IllegalArgumentException("the RDP order must be greater than 1, got " + order);
    }
    if (q == 0) {
      return 0;
    }
    if (sigma == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (sigma == Double.POSITIVE_INFINITY) {
      return 0;
    }
    if (q == 1) {
      return order / (2 * sigma * sigma);
    }
    if (order == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double halfInvVar = 0.5 / (sigma * sigma);
    if (halfInvVar == Double.POSITIVE_INFINITY) {
      // sigma^2 underflows (sigma < ~1e-154): the exponents overflow, there is no privacy to speak of.
      return Double.POSITIVE_INFINITY;
    }
    if (halfInvVar == 0) {
      // sigma^2 overflows (sigma > ~1e154): the RDP, below order / (2 sigma^2), underflows to 0.
      return 0;
    }
    double logA = order == Math.rint(order) && order < Integer.MAX_VALUE
        ? logAInteger(q, halfInvVar, (int) order)
        : logAFractional(q, sigma, halfInvVar, order);
    return logA / (order - 1);
  }

  /**
   * Converts an RDP curve to {@code (epsilon, delta)} by the classic bound of Mironov 2017 (TensorFlow Privacy's older
   * {@code get_privacy_spent}): {@code epsilon(alpha) = rdp(alpha) - log(delta) / (alpha - 1)}, minimised over the
   * orders. NaN entries are ignored; if every epsilon is infinite the first order is reported with epsilon
   * {@code +infinity}; ties go to the earlier order.
   *
   * @param orders RDP orders, each greater than 1 ({@code +infinity} allowed)
   * @param rdp the RDP at each order
   * @param delta the target delta, in (0, 1)
   * @throws IllegalArgumentException if the arrays are empty or of different lengths, an order is not greater than 1,
   *     delta is not in (0, 1), or every RDP value is NaN
   */
  public static Spent epsilon(double[] orders, double[] rdp, double delta) {
    Objects.requireNonNull(orders, "orders");
    Objects.requireNonNull(rdp, "rdp");
    if (orders.length != rdp.length) {
      throw new IllegalArgumentException(
          "orders and rdp must have the same length, got " + orders.length + " and " + rdp.length);
    }
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one RDP order is needed");
    }
    checkDelta(delta);
    double logDelta = Math.log(delta);
    int best = -1;
    double bestEpsilon = Double.NaN;
    for (int i = 0; i < orders.length; i++) {
      if (!(orders[i] > 1)) {
        throw new IllegalArgumentException("every RDP order must be greater than 1, got " + orders[i]);
      }
      // At order +infinity, log(delta) / infinity is 0: epsilon is the RDP itself.
      double e = rdp[i] - logDelta / (orders[i] - 1);
      if (Double.isNaN(e)) {
        continue;
      }
      if (best < 0 || e < bestEpsilon) {
        best = i;
        bestEpsilon = e;
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException("every RDP value is NaN");
    }
    return new Spent(bestEpsilon, orders[best]);
  }

  private static void checkDelta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be between 0 and 1 (exclusive), got " + delta);
    }
  }

  /**
   * {@code log A_alpha} for integer {@code alpha}: {@code log sum_{k=0..alpha} C(alpha, k) (1-q)^(alpha-k) q^k
   * exp((k^2 - k) / (2 sigma^2))}, each term in log space, the binomial's log built up term by term.
   */
  private static double logAInteger(double q, double halfInvVar, int alpha) {
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
  private static double logAFractional(double q, double sigma, double halfInvVar, double alpha) {
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
      double logE0 = LOG_HALF + logErfc((i - z0) / scale);
      double logE1 = LOG_HALF + logErfc((z0 - j) / scale);
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
