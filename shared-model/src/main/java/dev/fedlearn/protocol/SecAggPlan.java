package dev.fedlearn.protocol;

import java.util.List;

/**
 * The secure aggregation session of an open round ({@code GET /rounds/{round}/secagg}): its id, which every message
 * of the session names; the threshold {@code t} of its Shamir shares; the fixed-point scale and the clip bound the
 * clients encode their weights with ({@link dev.fedlearn.federation.secagg.FixedPoint}); and the clients picked for the round.
 * A session that cannot go on (too few clients in a step, a bad share) is abandoned and a new one takes its place.
 * With differential privacy, {@code dpClip} and {@code dpNoiseStd} are set: each client then sends its change of the
 * model clipped to {@code dpClip} plus Gaussian noise of standard deviation {@code dpNoiseStd} on every coordinate,
 * unweighted ({@link dev.fedlearn.federation.privacy.DifferentialPrivacy#noisyClippedChange}); null without. {@code step} is where the
 * session is as it is read.
 */
public record SecAggPlan(int round, String session, int threshold, double scale, float bound, List<String> picked,
    Double dpClip, Double dpNoiseStd, SecAggStep step) {
  public SecAggPlan {
    picked = List.copyOf(picked);
  }

  /** A session at its first step. */
  public SecAggPlan(int round, String session, int threshold, double scale, float bound, List<String> picked,
      Double dpClip, Double dpNoiseStd) {
    this(round, session, threshold, scale, bound, picked, dpClip, dpNoiseStd, SecAggStep.KEYS);
  }

  /** The same session at {@code step}. */
  public SecAggPlan at(SecAggStep step) {
    return new SecAggPlan(round, session, threshold, scale, bound, picked, dpClip, dpNoiseStd, step);
  }

  /** Whether the clients send shares of DP-FedAvg rather than weighted weights. */
  public boolean privacy() {
    return dpClip != null;
  }
}
