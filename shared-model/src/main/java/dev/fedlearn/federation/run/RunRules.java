package dev.fedlearn.federation.run;

import java.time.Duration;

/**
 * The rules of a run: how many rounds, how many clients must register, and how a round ends when some of them do
 * not report.
 *
 * @param rounds rounds of the run
 * @param clients clients that must register before round 1; a round closes as soon as all of them reported
 * @param minClients the quorum: at the round's deadline, the round is aggregated if at least this many reported
 * @param roundTimeout the round's deadline, counted from its opening
 * @param maxRoundWait below the quorum the round waits for late clients; after this long the run fails
 * @param maxWeightNorm updates whose weights have a larger L2 norm are refused
 * @param maxClientSamples the most training or test samples one client may register ({@code FL_MAX_CLIENT_SAMPLES});
 *     FedAvg weighs a client by its count, so an unbounded count would let one client take over the model
 * @param crossSite whether a run that completes asks for its cross-site evaluation at once ({@code FL_CROSS_SITE};
 *     never in a private run), each of its two steps bounded by {@code roundTimeout} ({@link CrossSiteEvaluation})
 */
public record RunRules(int rounds, int clients, int minClients, Duration roundTimeout, Duration maxRoundWait,
    double maxWeightNorm, int maxClientSamples, boolean crossSite) {

  /** Without cross-site evaluation at the end of the run. */
  public RunRules(int rounds, int clients, int minClients, Duration roundTimeout, Duration maxRoundWait,
      double maxWeightNorm, int maxClientSamples) {
    this(rounds, clients, minClients, roundTimeout, maxRoundWait, maxWeightNorm, maxClientSamples, false);
  }

  /** The same rules, asking for the cross-site evaluation of a completed run ({@code crossSite}) or not. */
  public RunRules withCrossSite(boolean crossSite) {
    return new RunRules(rounds, clients, minClients, roundTimeout, maxRoundWait, maxWeightNorm, maxClientSamples,
        crossSite);
  }

  /** The default cap on a client's samples, as text for {@code @DefaultValue}: MNIST's whole training set. */
  public static final String MAX_CLIENT_SAMPLES = "60000";
  public static final int DEFAULT_MAX_CLIENT_SAMPLES = Integer.parseInt(MAX_CLIENT_SAMPLES);

  /** With the default cap on a client's samples. */
  public RunRules(int rounds, int clients, int minClients, Duration roundTimeout, Duration maxRoundWait,
      double maxWeightNorm) {
    this(rounds, clients, minClients, roundTimeout, maxRoundWait, maxWeightNorm, DEFAULT_MAX_CLIENT_SAMPLES);
  }

  /** The defaults, as text for {@code @DefaultValue} (ISO-8601 durations). */
  public static final String ROUND_TIMEOUT = "PT10M";
  public static final String MAX_ROUND_WAIT = "PT60M";
  public static final String MAX_WEIGHT_NORM = "1e4";

  public static final Duration DEFAULT_ROUND_TIMEOUT = Duration.parse(ROUND_TIMEOUT);
  public static final Duration DEFAULT_MAX_ROUND_WAIT = Duration.parse(MAX_ROUND_WAIT);
  public static final double DEFAULT_MAX_WEIGHT_NORM = Double.parseDouble(MAX_WEIGHT_NORM);

  public RunRules {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds (FL_ROUNDS) must be at least 1, got " + rounds);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients (FL_CLIENTS) must be at least 1, got " + clients);
    }
    if (minClients < 1 || minClients > clients) {
      throw new IllegalArgumentException("the quorum (FL_MIN_CLIENTS) must be between 1 and the " + clients
          + " clients, got " + minClients);
    }
    if (roundTimeout == null || roundTimeout.isNegative() || roundTimeout.isZero()) {
      throw new IllegalArgumentException("the round timeout (FL_ROUND_TIMEOUT) must be positive, got " + roundTimeout);
    }
    if (maxRoundWait == null || maxRoundWait.compareTo(roundTimeout) < 0) {
      throw new IllegalArgumentException("FL_MAX_ROUND_WAIT (" + maxRoundWait
          + ") must be at least the round timeout (" + roundTimeout + ")");
    }
    if (!(maxWeightNorm > 0)) {
      throw new IllegalArgumentException("the weight norm bound (FL_MAX_WEIGHT_NORM) must be positive, got "
          + maxWeightNorm);
    }
    if (maxClientSamples < 1) {
      throw new IllegalArgumentException("FL_MAX_CLIENT_SAMPLES must be at least 1, got " + maxClientSamples);
    }
  }

  /** Every client in every round, generous deadlines. */
  public static RunRules of(int rounds, int clients) {
    return new RunRules(rounds, clients, clients, DEFAULT_ROUND_TIMEOUT, DEFAULT_MAX_ROUND_WAIT,
        DEFAULT_MAX_WEIGHT_NORM);
  }
}
