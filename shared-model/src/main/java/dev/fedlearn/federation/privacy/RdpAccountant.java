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
 * The series are summed by {@link SampledGaussian}, the Gaussian tails by {@link Erfc}.
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
        ? SampledGaussian.logAInteger(q, halfInvVar, (int) order)
        : SampledGaussian.logAFractional(q, sigma, halfInvVar, order);
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
}
