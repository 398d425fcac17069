package dev.fedlearn.federation.privacy;

import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.FedAvgM;
import dev.fedlearn.federation.strategy.Krum;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.federation.strategy.StrategyType;
import dev.fedlearn.protocol.SecAggPlan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * DP-FedAvg (McMahan, Ramage, Talwar, Zhang 2018, "Learning Differentially Private Recurrent Language Models") with
 * fixed clipping on the server, around a strategy that needs only the mean of the updates. Each client's change
 * {@code w_k - w_global} is clipped to L2 norm {@code clip}; the clipped changes are summed, Gaussian noise of standard
 * deviation {@code noise * clip} is added to every coordinate of the sum, and the sum is divided by the number of
 * clients the round picked (every client counts the same: a client's sample count would change the sensitivity). The
 * inner strategy then takes {@code w_global} plus that noisy mean as the round's only result: FedAvg adopts it, FedAvgM
 * and the server optimizers treat it as their pseudo-gradient. Strategies that look at each update (median, trimmed
 * mean, Krum: those {@link StrategyType} does not mark as needing only the mean) cannot run behind it.
 *
 * <p>The noise comes from {@code noiseSource}, one generator per round: a {@link java.security.SecureRandom} on the
 * aggregator (the noise must be unknown to anyone); a stream derived from the run's seed in simulations, where the
 * point is to measure accuracy against epsilon reproducibly.
 *
 * <p><b>Privacy.</b> Each round in which a client is picked is the Gaussian mechanism on its clipped change (L2
 * sensitivity {@code clip}, noise {@code noise * clip}); a round it is not picked for tells nothing about it. With
 * {@code noise} {@code sigma}, a client picked for {@code T} rounds is {@code (epsilon, delta)}-differentially private
 * (add or remove the client, all of its data) with epsilon that of {@code T} rounds of the Gaussian mechanism,
 * {@link RdpAccountant} at {@code q = 1}; the run reports the most-exposed client's, as
 * {@link ParticipationAccountant} counts them ({@link Settings#accountant()}). There is no amplification by sampling:
 * the picks are drawn from the public run seed and published, so they are no secret.
 */
public final class DifferentialPrivacy implements Strategy {
  /** The privacy settings: L2 clip norm, noise multiplier, delta. */
  public record Settings(double clip, double noise, double delta) {
    public Settings {
      if (!(clip > 0) || !Double.isFinite(clip)) {
        throw new IllegalArgumentException("the DP clip norm must be a positive number, got " + clip);
      }
      if (!(noise >= 0) || !Double.isFinite(noise)) {
        throw new IllegalArgumentException("the DP noise multiplier must be 0 or more, got " + noise);
      }
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("the DP delta must be between 0 and 1 (exclusive), got " + delta);
      }
    }

    /** The settings as strategy parameters: {@code dpClip}, {@code dpNoise}, {@code dpDelta}. */
    public void addTo(Map<String, String> parameters) {
      parameters.put("dpClip", Double.toString(clip));
      parameters.put("dpNoise", Double.toString(noise));
      parameters.put("dpDelta", Double.toString(delta));
    }

    /**
     * The accountant of a run whose server adds the noise ({@link DifferentialPrivacy}): every picked client's
     * participations at this noise multiplier, the most-exposed client's epsilon at this delta. Record each round's
     * picked clients ({@link ParticipationAccountant#record}), or rebuild it from the stored rounds with
     * {@link ParticipationAccountant#of}{@code (noise(), delta(), pickedPerRound)}.
     */
    public ParticipationAccountant accountant() {
      return new ParticipationAccountant(noise, delta);
    }

    /**
     * The accountant of a run under secure aggregation whose rounds each pick {@code picked} clients, each adding its
     * share of the noise: as {@link #accountant()} at {@link #noiseUnderSecureAggregation}{@code (picked)}.
     *
     * @throws IllegalArgumentException if {@code picked} is below 1
     */
    public ParticipationAccountant accountantUnderSecureAggregation(int picked) {
      return new ParticipationAccountant(noiseUnderSecureAggregation(picked), delta);
    }

    /**
     * The noise multiplier a round under secure aggregation is sure to carry, for the accountant. Each of the
     * {@code m = picked} clients adds noise of standard deviation {@code noise * clip / sqrt(m)}
     * ({@link DifferentialPrivacy#noisyClippedChange}); the protocol unmasks the sum as soon as the threshold
     * {@code t = SecAggPlan.defaultThreshold(m)} of them have sent their masked input, and a client that dropped
     * takes its share of the noise with it. So the sum may hold only {@code t} shares, noise of standard deviation
     * {@code noise * clip * sqrt(t / m)}, while one client's clipped change still moves it by up to {@code clip}
     * (the mean is divided by {@code m} all the same,
     * {@link dev.fedlearn.federation.secagg.SecureAggregation#noisyMean}). The worst case, accounted:
     * {@code noise * sqrt(t / m)}; for example 0.837 of the multiplier for 10 clients ({@code t = 7}), never less than
     * {@code sqrt(2/3)} of it.
     *
     * @throws IllegalArgumentException if {@code picked} is below 1
     */
    public double noiseUnderSecureAggregation(int picked) {
      int t = SecAggPlan.defaultThreshold(picked);
      return noise * Math.sqrt((double) t / picked);
    }

    /**
     * The standard deviation of the noise each client adds under secure aggregation when {@code picked} clients
     * share it: {@code noise * clip / sqrt(picked)}, so that all their shares sum to {@code noise * clip}.
     *
     * @throws IllegalArgumentException if {@code picked} is below 1
     */
    public double clientNoiseStd(int picked) {
      if (picked < 1) {
        throw new IllegalArgumentException("a round needs at least 1 picked client, got " + picked);
      }
      return noise * clip / Math.sqrt(picked);
    }

    /** How many standard deviations of a client's noise the secure aggregation bound must leave room for. */
    public static final double NOISE_SDS_WITHIN_BOUND = 8;

    /**
     * The least secure aggregation bound at which a round of {@code picked} clients does not clip their noise:
     * {@code clip + 8 * s}, {@code s} = {@link #clientNoiseStd}{@code (picked)}. Each coordinate of a client's share
     * is at most {@code clip} (its clipped change) plus its noise, N(0, s^2); it is clipped to the bound before it
     * is encoded (in {@code FixedPoint.encode}), which would cut the noise short of what the accountant assumes.
     * Eight standard deviations: a coordinate's noise goes past them with probability about 1.2e-15.
     *
     * @throws IllegalArgumentException if {@code picked} is below 1
     */
    public double minimumSecureAggregationBound(int picked) {
      return clip + NOISE_SDS_WITHIN_BOUND * clientNoiseStd(picked);
    }

    /**
     * Refuses a secure aggregation bound that would clip the clients' noise (with a probability that is not
     * negligible) in rounds of {@code picked} clients: one below {@link #minimumSecureAggregationBound}. The one
     * place of that rule, for {@code fl simulate} and the aggregator alike. The fewer clients, the larger each one's
     * share of the noise: check with the fewest a round may pick.
     *
     * @throws IllegalArgumentException with a one-line reason, if the bound is too small (or not a positive number),
     *     or {@code picked} is below 1
     */
    public void requireUnclipped(float bound, int picked) {
      double needed = minimumSecureAggregationBound(picked);
      if (!(bound > 0) || !Float.isFinite(bound) || bound < needed) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "the secure aggregation bound "
            + "(FL_SECAGG_BOUND, --secagg-bound) %s would clip the DP noise: with clip norm %s, noise multiplier %s "
            + "and %d picked a round, each client adds noise of standard deviation %s, so the bound must be at "
            + "least clip + %.0f x that = %s", bound, clip, noise, picked, digits(clientNoiseStd(picked)),
            NOISE_SDS_WITHIN_BOUND, leastFloatFrom(needed)));
      }
    }

    /** {@code x} to 6 significant digits, without trailing zeros. */
    private static String digits(double x) {
      return new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** The least float bound that is at least {@code x}, as the shortest decimal that parses back to it. */
    private static float leastFloatFrom(double x) {
      float f = (float) x;
      return f < x ? Math.nextUp(f) : f;
    }
  }

  private final Strategy inner;
  private final Settings settings;
  private final IntFunction<RandomGenerator> noiseSource;

  public DifferentialPrivacy(Strategy inner, Settings settings, IntFunction<RandomGenerator> noiseSource) {
    check(inner.name());
    this.inner = inner;
    this.settings = settings;
    this.noiseSource = noiseSource;
  }

  /**
   * Refuses a strategy that looks at each update, which the clipping and the noise are meant to hide: one that
   * {@link StrategyType} does not list as {@linkplain StrategyType#needsOnlyTheMean needing only the mean}.
   */
  public static void check(String strategy) {
    if (!StrategyType.find(strategy).map(StrategyType::needsOnlyTheMean).orElse(false)) {
      throw new IllegalArgumentException("differential privacy needs a strategy that uses only the mean of the "
          + "updates (" + String.join(", ", StrategyType.needingOnlyTheMean().stream().map(StrategyType::id).sorted()
              .toList()) + "); " + strategy + " looks at each update, which the clipping and the noise are meant to "
          + "hide");
    }
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public String name() {
    return inner.name();
  }

  /** The inner strategy's parameters, then {@code dpClip}, {@code dpNoise} and {@code dpDelta}. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>(inner.parameters());
    settings.addTo(p);
    return p;
  }

  @Override
  public float proximalMu() {
    return inner.proximalMu();
  }

  /**
   * The noisy mean of the clipped changes, handed to the inner strategy. {@code results} must be the picked clients'
   * updates; the mean is taken over the picked clients ({@code results} plus {@code failures}), so a client that sent
   * nothing counts as a change of zero.
   */
  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    if (results.isEmpty()) {
      throw new AggregationException("round " + round + " has no update to aggregate");
    }
    float[] base = global.params();
    double[] sum = new double[base.length];
    for (ClientResult r : results) {
      double[] change;
      try {
        change = clippedChange(r.weights(), base, settings.clip());
      } catch (IllegalArgumentException e) {
        throw new AggregationException("client " + r.clientId() + ": " + e.getMessage());
      }
      for (int j = 0; j < base.length; j++) {
        sum[j] += change[j];
      }
    }
    double sd = settings.noise() * settings.clip();
    if (sd > 0) {
      RandomGenerator rng = noiseSource.apply(round);
      for (int j = 0; j < sum.length; j++) {
        sum[j] += sd * rng.nextGaussian();
      }
    }
    int picked = results.size() + failures.size();
    float[] mean = new float[base.length];
    for (int j = 0; j < base.length; j++) {
      mean[j] = (float) (base[j] + sum[j] / picked);
    }
    return inner.aggregate(round, global, List.of(new ClientResult("dp-mean", mean, 1)), List.of(), state);
  }

  /**
   * One client's share of DP-FedAvg under secure aggregation, computed on the client: its change {@code w - global}
   * clipped to L2 norm {@code clip}, plus Gaussian noise of standard deviation {@code noiseStd} on every coordinate.
   * With {@code noiseStd = noise * clip / sqrt(m)} for the round's {@code m} picked clients, the noise in the sum of
   * their shares has the standard deviation {@code noise * clip} that the server would have added.
   */
  public static float[] noisyClippedChange(float[] weights, float[] global, double clip, double noiseStd,
      RandomGenerator rng) {
    double[] change = clippedChange(weights, global, clip);
    float[] share = new float[weights.length];
    for (int j = 0; j < weights.length; j++) {
      share[j] = (float) (change[j] + (noiseStd > 0 ? noiseStd * rng.nextGaussian() : 0));
    }
    return share;
  }

  /**
   * {@code weights - global}, scaled down to L2 norm {@code clip} when longer; throws {@link IllegalArgumentException}
   * for another length or non-finite weights.
   */
  static double[] clippedChange(float[] weights, float[] global, double clip) {
    if (weights.length != global.length) {
      throw new IllegalArgumentException("sent " + weights.length + " weights, the model has " + global.length);
    }
    double[] change = new double[weights.length];
    double squares = 0;
    for (int j = 0; j < weights.length; j++) {
      change[j] = (double) weights[j] - global[j];
      squares += change[j] * change[j];
    }
    if (!Double.isFinite(squares)) {
      throw new IllegalArgumentException("sent non-finite weights (its training diverged)");
    }
    double norm = Math.sqrt(squares);
    if (norm > clip) {
      double scale = clip / norm;
      for (int j = 0; j < change.length; j++) {
        change[j] *= scale;
      }
    }
    return change;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s with DP (clip %g, noise %g, delta %g)", inner.name(), settings.clip(),
        settings.noise(), settings.delta());
  }
}
