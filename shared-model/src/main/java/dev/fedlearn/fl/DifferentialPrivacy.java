package dev.fedlearn.fl;

import dev.fedlearn.nn.Model;
import dev.fedlearn.privacy.RdpAccountant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * mean, Krum) cannot run behind it.
 *
 * <p>The noise comes from {@code noiseSource}, one generator per round: a {@link java.security.SecureRandom} on the
 * aggregator (the noise must be unknown to anyone); a stream derived from the run's seed in simulations, where the
 * point is to measure accuracy against epsilon reproducibly.
 *
 * <p>With {@code noise} {@code sigma}, clients picked with probability {@code q} each round and {@code T} rounds, the
 * run is {@code (epsilon, delta)}-differentially private for any one client's participation (add or remove a client),
 * epsilon as {@link RdpAccountant} gives it.
 */
public final class DifferentialPrivacy implements Strategy {
  /** The strategies that need only the mean of the updates. */
  public static final Set<String> MEAN_STRATEGIES = Set.of("fedavg", "fedavgm", "fedprox", "fedadagrad", "fedadam",
      "fedyogi");

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

    /**
     * Epsilon after {@code rounds} rounds that each pick a share {@code q} of the clients (+infinity without noise).
     */
    public double epsilon(long rounds, double q) {
      return accountant(q).spent(rounds, delta).epsilon();
    }

    /** The settings as strategy parameters: {@code dpClip}, {@code dpNoise}, {@code dpDelta}. */
    public void addTo(Map<String, String> parameters) {
      parameters.put("dpClip", Double.toString(clip));
      parameters.put("dpNoise", Double.toString(noise));
      parameters.put("dpDelta", Double.toString(delta));
    }

    /** The accountant of runs whose rounds each pick a share {@code q} of the clients, with this noise. */
    public RdpAccountant accountant(double q) {
      return new RdpAccountant(q, noise);
    }
  }

  private final Strategy inner;
  private final Settings settings;
  private final IntFunction<RandomGenerator> noiseSource;

  public DifferentialPrivacy(Strategy inner, Settings settings, IntFunction<RandomGenerator> noiseSource) {
    if (!MEAN_STRATEGIES.contains(inner.name())) {
      throw new IllegalArgumentException("differential privacy needs a strategy that uses only the mean of the "
          + "updates (" + String.join(", ", MEAN_STRATEGIES.stream().sorted().toList()) + "); " + inner.name()
          + " looks at each update, which the clipping and the noise are meant to hide");
    }
    this.inner = inner;
    this.settings = settings;
    this.noiseSource = noiseSource;
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
