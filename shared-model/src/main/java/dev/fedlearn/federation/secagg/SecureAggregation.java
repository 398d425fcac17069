package dev.fedlearn.federation.secagg;

import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.federation.strategy.StrategyType;
import dev.fedlearn.protocol.SecAggPlan;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Secure aggregation in one process (for {@code fl simulate}): every round's updates go through the whole protocol of
 * Bonawitz et al. 2017 (the same {@link SecAggSession} and {@link SecAggParticipant} as the services, over
 * {@link InMemorySecAgg}: key agreement, Shamir-shared secrets, masked inputs, unmasking), each
 * encoded in fixed point and weighted by its sample count ({@link FixedPoint}); the inner strategy then takes the
 * unmasked weighted mean as the round's only result, as it would on the aggregator, which never sees one client's
 * weights. The masks cancel exactly in the ring, so the result does not depend on the protocol's randomness and a
 * seeded run stays reproducible bit for bit; it differs from plain FedAvg only by the fixed-point rounding
 * ({@link FixedPoint#errorBound}) and by the clipping to {@code bound}.
 *
 * <p>With differential privacy, each client sends its share of DP-FedAvg instead
 * ({@link DifferentialPrivacy#noisyClippedChange}: its change clipped to the clip norm plus its part of the noise,
 * standard deviation {@code noise * clip / sqrt(m)} for the round's {@code m} picked clients), unweighted, so the
 * server never adds noise and never sees an unnoised change; the unmasked sum divided by {@code m} is the noisy mean
 * the inner strategy takes, as behind {@link DifferentialPrivacy}. The bound must leave room for that noise
 * ({@link DifferentialPrivacy.Settings#requireUnclipped}): a round whose clients' noise it could clip is refused, as
 * the accountant counts on all of it. The accountant of such a run takes the noise that the threshold of clients
 * alone would add ({@link DifferentialPrivacy.Settings#noiseUnderSecureAggregation}), since the protocol would unmask
 * the sum without the others.
 *
 * <p>In one process every picked client answers: a round with failures (picked clients that sent nothing) is refused.
 */
public final class SecureAggregation implements Strategy {
  /** What the protocol cost in the last round: the clients' bytes sent and received, and the time it took. */
  public record Cost(int parties, int threshold, long bytesUp, long bytesDown, double seconds) {}

  private final Strategy inner;
  private final float bound;
  private final DifferentialPrivacy.Settings dp; // null: plain weighted mean
  private final IntFunction<RandomGenerator> noiseSource; // the clients' noise, one generator per round
  private final SecureRandom random = new SecureRandom();
  private Cost lastCost;

  public SecureAggregation(Strategy inner, float bound) {
    this(inner, bound, null, null);
  }

  /**
   * With {@code dp} set, the clients add their shares of DP-FedAvg's noise, drawn from {@code noiseSource}. The bound
   * must then exceed the clip norm; whether it leaves room for the noise depends on the number of clients a round
   * picks: check it with {@link DifferentialPrivacy.Settings#requireUnclipped} once that is known (each round checks
   * it again, and fails rather than clip the noise).
   */
  public SecureAggregation(Strategy inner, float bound, DifferentialPrivacy.Settings dp,
      IntFunction<RandomGenerator> noiseSource) {
    check(inner.name());
    if (!(bound > 0) || !Float.isFinite(bound)) {
      throw new IllegalArgumentException("the secure aggregation bound must be a positive number, got " + bound);
    }
    if (dp != null && !(bound > dp.clip())) {
      throw new IllegalArgumentException("the secure aggregation bound (" + bound + ") must exceed the DP clip norm ("
          + dp.clip() + "): the clipped changes and their noise are encoded within it");
    }
    this.inner = inner;
    this.bound = bound;
    this.dp = dp;
    this.noiseSource = noiseSource;
  }

  /** The differential privacy the clients add, or null. */
  public DifferentialPrivacy.Settings privacy() {
    return dp;
  }

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

  /** The protocol's cost in the last round aggregated, or null before the first. */
  public Cost lastCost() {
    return lastCost;
  }

  @Override
  public String name() {
    return inner.name();
  }

  /** The inner strategy's parameters, then {@code secAggBound}. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>(inner.parameters());
    p.put("secAggBound", Float.toString(bound));
    if (dp != null) {
      dp.addTo(p);
    }
    return p;
  }

  @Override
  public float proximalMu() {
    return inner.proximalMu();
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    if (results.isEmpty()) {
      throw new AggregationException("round " + round + " has no update to aggregate");
    }
    long total = 0;
    for (ClientResult r : results) {
      if (r.weights().length != global.params().length) {
        throw new AggregationException("client " + r.clientId() + " sent " + r.weights().length + " weights, the "
            + "model has " + global.params().length);
      }
      total += r.numSamples();
    }
    if (!failures.isEmpty()) {
      throw new AggregationException("round " + round + ": secure aggregation in one process takes every picked "
          + "client's update; " + failures + " sent none");
    }
    long start = System.nanoTime();
    int picked = results.size();
    if (dp != null) {
      try {
        dp.requireUnclipped(bound, picked);
      } catch (IllegalArgumentException e) {
        throw new AggregationException("round " + round + ": " + e.getMessage());
      }
    }
    SecAggSession session = new SecAggSession(round, results.stream().map(ClientResult::clientId).toList(), total,
        bound, dp, global.params().length, Duration.ofDays(1), Instant.EPOCH);
    SecAggPlan plan = session.plan();
    Map<String, int[]> inputs = new LinkedHashMap<>();
    RandomGenerator noise = dp == null ? null : noiseSource.apply(round);
    for (ClientResult r : results) { // in order: each client's noise comes from the round's one generator
      inputs.put(r.clientId(), SecAggParticipant.input(plan, r.weights(), r.numSamples(), global.params(), noise));
    }
    InMemorySecAgg.Outcome outcome;
    try {
      outcome = InMemorySecAgg.run(session, inputs, dp == null ? total : results.size(), random);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AggregationException("round " + round + ": interrupted during secure aggregation");
    } catch (SecAggException e) {
      throw new AggregationException("round " + round + ": " + e.getMessage());
    }
    lastCost = new Cost(results.size(), plan.threshold(), outcome.bytesUp(), outcome.bytesDown(),
        (System.nanoTime() - start) / 1e9);
    return inner.aggregate(round, global, List.of(result(plan, global.params(), outcome.result())),
        List.of(), state);
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

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s with secure aggregation (bound %g)", inner.name(), bound);
  }
}
