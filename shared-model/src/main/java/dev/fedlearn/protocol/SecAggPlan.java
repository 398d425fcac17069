package dev.fedlearn.protocol;

import java.util.List;

/**
 * The secure aggregation session of an open round ({@code GET /rounds/{round}/secagg}): its id, which every message
 * of the session names; the threshold {@code t} of its Shamir shares; the fixed-point scale and the clip bound the
 * clients encode their weights with ({@link dev.fedlearn.federation.secagg.FixedPoint}); and the clients picked for
 * the round. A session that cannot go on (too few clients in a step, a bad share) is abandoned and a new one takes its
 * place. With differential privacy, {@code dpClip} and {@code dpNoiseStd} are set: each client then sends its change
 * of the model clipped to {@code dpClip} plus Gaussian noise of standard deviation {@code dpNoiseStd} on every
 * coordinate, unweighted ({@link dev.fedlearn.federation.privacy.DifferentialPrivacy#noisyClippedChange}); null
 * without. With {@code columns} set, the session sums no weights but the column sums of the run's table of that many
 * feature columns, before round 1 trains ({@link dev.fedlearn.federation.secagg.ColumnSums}: the scale and the bound
 * do not apply); null for weights. {@code step} is where the session is as it is read.
 */
public record SecAggPlan(int round, String session, int threshold, double scale, float bound, List<String> picked,
    Double dpClip, Double dpNoiseStd, Integer columns, SecAggStep step) {
  public SecAggPlan {
    picked = List.copyOf(picked);
  }

  /** A session at its first step. */
  public SecAggPlan(int round, String session, int threshold, double scale, float bound, List<String> picked,
      Double dpClip, Double dpNoiseStd) {
    this(round, session, threshold, scale, bound, picked, dpClip, dpNoiseStd, null, SecAggStep.KEYS);
  }

  /** A session at its first step that sums the column sums of a table of {@code columns} columns. */
  public static SecAggPlan columnSums(int round, String session, int threshold, List<String> parties, int columns) {
    return new SecAggPlan(round, session, threshold, 1, 0, parties, null, null, columns, SecAggStep.KEYS);
  }

  /** The same session at {@code step}. */
  public SecAggPlan at(SecAggStep step) {
    return new SecAggPlan(round, session, threshold, scale, bound, picked, dpClip, dpNoiseStd, columns, step);
  }

  /** Whether the session sums the column sums of a table rather than weights. */
  public boolean sumsColumns() {
    return columns != null;
  }

  /**
   * The threshold for {@code n} parties by default: {@code floor(2n/3) + 1}, which is at least 2 for {@code n >= 2}
   * (and 1 for a single party, which secure aggregation cannot hide anyway). More than two thirds of the parties must
   * take part to the end; fewer than that many colluding with the server learn nothing. Here, in the protocol, so that
   * the privacy accountant can read it without depending on the secure aggregation it accounts for.
   *
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public static int defaultThreshold(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("secure aggregation needs at least 1 party, got " + n);
    }
    return 2 * n / 3 + 1;
  }

  /** Whether the clients send shares of DP-FedAvg rather than weighted weights. */
  public boolean privacy() {
    return dpClip != null;
  }
}
