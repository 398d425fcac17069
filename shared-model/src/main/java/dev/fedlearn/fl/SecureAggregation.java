package dev.fedlearn.fl;

import dev.fedlearn.nn.Model;
import dev.fedlearn.secagg.FixedPoint;
import dev.fedlearn.secagg.InProcessSecAgg;
import dev.fedlearn.secagg.SecAggServer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Secure aggregation in one process (for {@code fl simulate}): every round's updates go through the whole protocol of
 * Bonawitz et al. 2017 ({@link InProcessSecAgg}: key agreement, Shamir-shared secrets, masked inputs, unmasking), each
 * encoded in fixed point and weighted by its sample count ({@link FixedPoint}); the inner strategy then takes the
 * unmasked weighted mean as the round's only result, as it would on the aggregator, which never sees one client's
 * weights. The masks cancel exactly in the ring, so the result does not depend on the protocol's randomness and a
 * seeded run stays reproducible bit for bit; it differs from plain FedAvg only by the fixed-point rounding
 * ({@link FixedPoint#errorBound}) and by the clipping to {@code bound}.
 */
public final class SecureAggregation implements Strategy {
  /** The strategies that need only the (weighted) sum of the updates. */
  public static final Set<String> SUM_STRATEGIES = DifferentialPrivacy.MEAN_STRATEGIES;

  /** What the protocol cost in the last round: the clients' bytes sent and received, and the time it took. */
  public record Cost(int parties, int threshold, long bytesUp, long bytesDown, double seconds) {}

  private final Strategy inner;
  private final float bound;
  private final SecureRandom random = new SecureRandom();
  private Cost lastCost;

  public SecureAggregation(Strategy inner, float bound) {
    check(inner.name());
    if (!(bound > 0) || !Float.isFinite(bound)) {
      throw new IllegalArgumentException("the secure aggregation bound must be a positive number, got " + bound);
    }
    this.inner = inner;
    this.bound = bound;
  }

  /** Refuses a strategy that looks at each update, which secure aggregation hides. */
  public static void check(String strategy) {
    if (!SUM_STRATEGIES.contains(strategy)) {
      throw new IllegalArgumentException("secure aggregation gives the server only the sum of the updates, which "
          + String.join(", ", SUM_STRATEGIES.stream().sorted().toList()) + " need; " + strategy
          + " looks at each update");
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
    long start = System.nanoTime();
    double scale = FixedPoint.scale(bound, total);
    Map<String, int[]> inputs = new LinkedHashMap<>();
    for (ClientResult r : results) {
      inputs.put(r.clientId(), FixedPoint.encode(r.weights(), Math.toIntExact(r.numSamples()), bound, scale));
    }
    int threshold = SecAggServer.defaultThreshold(results.size());
    InProcessSecAgg.Result sum = InProcessSecAgg.run(round, threshold, inputs, Set.of(), Set.of(), random);
    FixedPoint.Decoded mean = FixedPoint.decode(sum.sum(), scale);
    lastCost = new Cost(results.size(), threshold, sum.bytesUp(), sum.bytesDown(), (System.nanoTime() - start) / 1e9);
    return inner.aggregate(round, global, List.of(new ClientResult("secure-sum", mean.mean(), mean.samples())),
        failures, state);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s with secure aggregation (bound %g)", inner.name(), bound);
  }
}
