package dev.fedlearn.federation.secagg;

import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.StrategyType;
import dev.fedlearn.protocol.SecAggPlan;

/**
 * What secure aggregation (Bonawitz et al. 2017) hands the run's strategy, and which strategies it can serve. A
 * session unmasks only the sum of its clients' inputs, each encoded in fixed point and weighted by its sample count
 * ({@link FixedPoint}); the strategy takes that sum's weighted mean as the round's only result. The masks cancel
 * exactly in the ring, so the result does not depend on the protocol's randomness: it differs from plain FedAvg only
 * by the fixed-point rounding ({@link FixedPoint#errorBound}) and by the clipping to the bound.
 *
 * <p>With differential privacy, each client sends its share of DP-FedAvg instead
 * ({@link DifferentialPrivacy#noisyClippedChange}: its change clipped to the clip norm plus its part of the noise,
 * standard deviation {@code noise * clip / sqrt(m)} for the round's {@code m} picked clients), unweighted, so the
 * server never adds noise and never sees an unnoised change; the unmasked sum divided by {@code m} is the noisy mean
 * ({@link #noisyMean}).
 */
public final class SecureAggregation {
  private SecureAggregation() {}

  /**
   * Refuses a strategy that looks at each update, which secure aggregation hides: one that {@link StrategyType} does
   * not list as {@linkplain StrategyType#needsOnlyTheMean needing only the (weighted) mean}.
   */
  public static void check(String strategy) {
    if (!StrategyType.find(strategy).map(StrategyType::needsOnlyTheMean).orElse(false)) {
      throw new IllegalArgumentException("secure aggregation gives the server only the sum of the updates, which "
          + String.join(", ", StrategyType.needingOnlyTheMean().stream().map(StrategyType::id).sorted().toList())
          + " need; " + strategy + " looks at each update");
    }
  }

  /**
   * Refuses what secure aggregation cannot take: a strategy that looks at each update ({@link #check(String)}), a
   * bound that is not a positive number, and with differential privacy ({@code dp} not null) a bound that does not
   * exceed the clip norm, as the clipped changes and their noise are encoded within it.
   */
  public static void check(String strategy, float bound, DifferentialPrivacy.Settings dp) {
    check(strategy);
    if (!(bound > 0) || !Float.isFinite(bound)) {
      throw new IllegalArgumentException("the secure aggregation bound must be a positive number, got " + bound);
    }
    if (dp != null && !(bound > dp.clip())) {
      throw new IllegalArgumentException("the secure aggregation bound (" + bound + ") must exceed the DP clip norm ("
          + dp.clip() + "): the clipped changes and their noise are encoded within it");
    }
  }

  /**
   * The one result a strategy receives from a secure aggregation session: with differential privacy, DP-FedAvg's
   * noisy mean ({@link #noisyMean}, the picked clients that sent nothing counting as no change); else the unmasked
   * sample-weighted mean and its total samples.
   */
  public static ClientResult result(SecAggPlan plan, float[] global, SecAggSession.Result unmasked) {
    return plan.privacy()
        ? new ClientResult("dp-mean", noisyMean(global, unmasked.mean(), unmasked.included().size(),
            plan.picked().size()), 1)
        : new ClientResult("secure-sum", unmasked.mean(), unmasked.samples());
  }

  /**
   * DP-FedAvg's new model from the mean of {@code included} clients' noisy clipped changes: the global model plus
   * their sum divided by the {@code picked} clients (a picked client that sent nothing counts as no change).
   */
  public static float[] noisyMean(float[] global, float[] meanChange, int included, int picked) {
    float[] out = new float[global.length];
    for (int j = 0; j < global.length; j++) {
      out[j] = (float) (global[j] + (double) meanChange[j] * included / picked);
    }
    return out;
  }
}
