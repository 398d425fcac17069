package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.TrainingPlan;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The least privacy this client takes part with, whatever the aggregator plans: its floors
 * ({@code FL_REQUIRE_SECURE_AGGREGATION}, {@code FL_MIN_SECAGG_THRESHOLD}, {@code FL_MIN_DP_NOISE}; 0 or false: no
 * floor), and one rule that always holds: a secure aggregation session with differential privacy must not truncate
 * the noise. Each check returns why the client refuses a plan, in one line naming the setting and the plan's value,
 * or null when it takes part.
 *
 * @param requireSecureAggregation refuse a run without secure aggregation
 * @param minSecaggThreshold refuse a secure aggregation session whose Shamir threshold is below this
 * @param minDpNoise refuse a run whose noise multiplier is below this: a run without differential privacy, a run
 *     without secure aggregation (the aggregator would add the noise, which the client cannot check), and a session
 *     whose worst-case multiplier ({@link #worstCaseNoiseMultiplier}) is lower
 */
public record PlanFloors(boolean requireSecureAggregation, int minSecaggThreshold, double minDpNoise) {
  /** No floors: the client takes part in any plan but one that would truncate its noise. */
  public static final PlanFloors NONE = new PlanFloors(false, 0, 0);

  /**
   * How many standard deviations of noise the clip bound of the fixed-point encoding must leave room for beyond the
   * clipped change: the aggregator's rule ({@link DifferentialPrivacy.Settings#NOISE_SDS_WITHIN_BOUND}), checked here
   * again because the client does not take the aggregator's word for it.
   */
  static final double NOISE_HEADROOM_SIGMAS = DifferentialPrivacy.Settings.NOISE_SDS_WITHIN_BOUND;

  /** The floors the settings give. */
  public static PlanFloors of(ClientProperties properties) {
    return new PlanFloors(properties.requireSecureAggregation(), properties.minSecaggThreshold(),
        properties.minDpNoise());
  }

  /**
   * Why this client refuses a run with {@code plan}, or null. Only what the plan says is checked here; a plan with
   * secure aggregation is checked again, session by session, with {@link #refusal(SecAggPlan)}.
   */
  public String refusal(TrainingPlan plan) {
    String plain = "the run's plan has no secure aggregation (secureAggregation=false)";
    if (requireSecureAggregation && !plan.secure()) {
      return plain + ", and FL_REQUIRE_SECURE_AGGREGATION=true";
    }
    if (minDpNoise > 0 && !plan.isPrivate()) {
      return "the run's plan has neither secure aggregation nor differential privacy (privateRun=false), and "
          + "FL_MIN_DP_NOISE=" + number(minDpNoise);
    }
    if (minDpNoise > 0 && !plan.secure()) {
      return plain + ", and FL_MIN_DP_NOISE=" + number(minDpNoise) + ": without secure aggregation the aggregator "
          + "would add the noise, which this client cannot verify";
    }
    return null;
  }

  /** Whether any floor is set. */
  public boolean any() {
    return requireSecureAggregation || minSecaggThreshold > 0 || minDpNoise > 0;
  }

  /** The floors in one line, for the log. */
  @Override
  public String toString() {
    return "FL_REQUIRE_SECURE_AGGREGATION=" + requireSecureAggregation + ", FL_MIN_SECAGG_THRESHOLD="
        + minSecaggThreshold + ", FL_MIN_DP_NOISE=" + number(minDpNoise);
  }

  /** Why this client refuses the secure aggregation session {@code plan}, or null. */
  public String refusal(SecAggPlan plan) {
    String session = "round " + plan.round() + "'s secure aggregation session " + plan.session();
    if (minSecaggThreshold > 0 && plan.threshold() < minSecaggThreshold) {
      return session + " has threshold " + plan.threshold() + ", below FL_MIN_SECAGG_THRESHOLD="
          + minSecaggThreshold;
    }
    if (minDpNoise > 0 && !plan.privacy()) {
      return session + " has no differential privacy (dpClip null), and FL_MIN_DP_NOISE=" + number(minDpNoise);
    }
    if (!plan.privacy()) {
      return null;
    }
    double multiplier = worstCaseNoiseMultiplier(plan);
    if (minDpNoise > 0 && !(multiplier >= minDpNoise)) {
      return session + " has a worst-case noise multiplier of " + number(multiplier) + " (dpNoiseStd "
          + number(noiseStd(plan)) + " x sqrt(threshold " + plan.threshold() + ") / dpClip " + number(plan.dpClip())
          + "), below FL_MIN_DP_NOISE=" + number(minDpNoise);
    }
    double room = plan.dpClip() + NOISE_HEADROOM_SIGMAS * noiseStd(plan);
    if (!(plan.bound() >= room)) {
      return session + " has the clip bound " + number(plan.bound()) + ", below dpClip " + number(plan.dpClip())
          + " + " + number(NOISE_HEADROOM_SIGMAS) + " x dpNoiseStd " + number(noiseStd(plan)) + " = " + number(room)
          + ": the encoding would truncate this client's noise";
    }
    return null;
  }

  /**
   * The noise multiplier of a session with differential privacy when only {@code t} (the threshold) of its
   * {@code m} picked clients' inputs reach the sum: each client adds noise of standard deviation
   * {@code dpNoiseStd = sigma * dpClip / sqrt(m)}, so {@code t} of them add {@code dpNoiseStd * sqrt(t)}, which is
   * {@code dpNoiseStd * sqrt(t) / dpClip} times the clip bound of one client's change. The aggregator can unmask a
   * sum of as few as {@code t} inputs, so this is the multiplier the client can count on; NaN without a noise.
   */
  static double worstCaseNoiseMultiplier(SecAggPlan plan) {
    return noiseStd(plan) * Math.sqrt(plan.threshold()) / plan.dpClip();
  }

  private static double noiseStd(SecAggPlan plan) {
    return plan.dpNoiseStd() == null ? Double.NaN : plan.dpNoiseStd();
  }

  /** Four significant digits without trailing zeros: 0.7071, 5, 0.000015. */
  private static String number(double x) {
    if (!Double.isFinite(x)) {
      return String.valueOf(x);
    }
    return new BigDecimal(String.format(Locale.ROOT, "%.4g", x)).stripTrailingZeros().toPlainString();
  }
}
