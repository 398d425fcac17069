package dev.fedlearn.federation.privacy;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client-level privacy accounting of DP-FedAvg without sampling amplification: every client's actual participations,
 * each one round of the plain Gaussian mechanism ({@link RdpAccountant} with {@code q = 1}: RDP {@code alpha / (2
 * sigma^2)} at order {@code alpha}), and the epsilon of the most-exposed client, the one that took part in the most
 * rounds. That epsilon is what the run reports.
 *
 * <p><b>Why no amplification.</b> Privacy amplification by subsampling ({@code q = k / n}) holds only when the sample
 * is secret and random: nobody may learn whether a given client was in a round. Here the picks are drawn from the
 * public run seed ({@code FL_SEED}, {@code --seed}) and published (each round's picked clients, the run's events, the
 * workbook), so they are public: a round a client is not picked for reveals nothing about it, and a round it is picked
 * for is the Gaussian mechanism on its clipped change with no dilution at all. Accounting the run as Poisson sampling
 * at rate {@code k / n} under-reports epsilon several fold (100 clients, 10 a round, sigma 1, 100 rounds, delta
 * 1e-5: 8.93 amplified, while the busiest client took part in 20 rounds, about 31.5 without amplification).
 *
 * <p><b>What counts as a participation</b>: being picked for a round ({@link #record}). A picked client whose update
 * never arrives is counted too, which only overstates its epsilon. Clients never picked have epsilon 0.
 *
 * <p><b>The noise multiplier</b> is the one the released sum actually carries, relative to the clip norm: the
 * configured multiplier for noise the server adds; under secure aggregation, where each client adds its share of the
 * noise, the worst case over the clients that may drop out ({@code DifferentialPrivacy.Settings
 * #noiseUnderSecureAggregation}). All rounds are accounted at the one multiplier given; for runs whose rounds carry
 * different multipliers, give the smallest.
 *
 * <p>Cheap: a map of counts and the largest count after each round (one int a round, for {@link #spentAfterRound});
 * the RDP of one participation at every order is computed once, in the constructor. Safe to share between threads
 * (the counts are guarded by the instance's lock). Rebuilt after a restart from the rounds' picked clients
 * ({@link #of}).
 */
public final class ParticipationAccountant {
  private final double noiseMultiplier;
  private final double delta;
  private final RdpAccountant perParticipation;
  /** Participations by client id, sorted by id. */
  private final Map<String, Integer> counts = new TreeMap<>();
  private int rounds;
  /** {@link #maxCount} after each recorded round: round {@code r} at index {@code r - 1}. */
  private int[] maxByRound = new int[16];
  private int maxCount;
  /** The client with {@link #maxCount} participations (the smallest id among ties), or null before any. */
  private String mostExposed;

  /**
   * An accountant with no round recorded yet.
   *
   * @param noiseMultiplier the noise's standard deviation on the released sum over the clip norm, 0 or more
   *     (0: no privacy, epsilon {@code +infinity} once a client took part)
   * @param delta the delta at which epsilon is given, in (0, 1)
   * @throws IllegalArgumentException if the multiplier is negative or NaN, or delta is not in (0, 1)
   */
  public ParticipationAccountant(double noiseMultiplier, double delta) {
    if (!(noiseMultiplier >= 0)) {
      throw new IllegalArgumentException("the noise multiplier must be 0 or more, got " + noiseMultiplier);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be between 0 and 1 (exclusive), got " + delta);
    }
    this.noiseMultiplier = noiseMultiplier;
    this.delta = delta;
    this.perParticipation = new RdpAccountant(1, noiseMultiplier);
  }

  /**
   * An accountant that has recorded {@code pickedPerRound}, oldest round first: what a resumed run rebuilds from its
   * stored rounds. The same as recording each round live.
   *
   * @throws IllegalArgumentException as the constructor and {@link #record}
   */
  public static ParticipationAccountant of(double noiseMultiplier, double delta,
      Iterable<? extends Collection<String>> pickedPerRound) {
    Objects.requireNonNull(pickedPerRound, "pickedPerRound");
    ParticipationAccountant a = new ParticipationAccountant(noiseMultiplier, delta);
    for (Collection<String> picked : pickedPerRound) {
      a.record(picked);
    }
    return a;
  }

  /**
   * Records one round in which the clients {@code picked} took part (each once).
   *
   * @throws IllegalArgumentException if a client is listed twice or an id is null; nothing is recorded then
   */
  public synchronized void record(Collection<String> picked) {
    Objects.requireNonNull(picked, "picked");
    Set<String> seen = new HashSet<>();
    for (String id : picked) {
      if (id == null) {
        throw new IllegalArgumentException("a picked client has no id");
      }
      if (!seen.add(id)) {
        throw new IllegalArgumentException("client " + id + " is listed twice in one round");
      }
    }
    for (String id : picked) {
      int c = counts.merge(id, 1, Integer::sum);
      // Only this client's count changed: it is the new maximum, or ties it with a smaller id.
      if (c > maxCount || (c == maxCount && id.compareTo(mostExposed) < 0)) {
        maxCount = c;
        mostExposed = id;
      }
    }
    if (rounds == maxByRound.length) {
      maxByRound = Arrays.copyOf(maxByRound, 2 * rounds);
    }
    maxByRound[rounds++] = maxCount;
  }

  /** The noise multiplier every participation is accounted at. */
  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /** The delta at which epsilon is given. */
  public double delta() {
    return delta;
  }

  /** The rounds recorded. */
  public synchronized int rounds() {
    return rounds;
  }

  /** How many of the recorded rounds {@code clientId} took part in (0 for a client never picked). */
  public synchronized int participations(String clientId) {
    return counts.getOrDefault(clientId, 0);
  }

  /** A copy of every client's participations, by client id (clients never picked are absent). */
  public synchronized Map<String, Integer> participations() {
    return new TreeMap<>(counts);
  }

  /** The most-exposed client's participations: the most rounds any one client took part in (0 before any). */
  public synchronized int maxParticipations() {
    return maxCount;
  }

  /**
   * The most participations of any one client in the first {@code round} recorded rounds: after round {@code round}
   * (0 for round 0).
   *
   * @throws IllegalArgumentException if {@code round} is negative or beyond {@link #rounds}
   */
  public synchronized int maxParticipationsAfterRound(int round) {
    if (round < 0 || round > rounds) {
      throw new IllegalArgumentException("round must be in 0.." + rounds + ", got " + round);
    }
    return round == 0 ? 0 : maxByRound[round - 1];
  }

  /**
   * The run's privacy spent after round {@code round} (the first {@code round} recorded): the most-exposed client's
   * then, as {@link #spent} gave it at that point. For a report of every round (the workbook's).
   *
   * @throws IllegalArgumentException if {@code round} is negative or beyond {@link #rounds}
   */
  public RdpAccountant.Spent spentAfterRound(int round) {
    return spentAfter(maxParticipationsAfterRound(round));
  }

  /** The most-exposed client (the smallest id among those with {@link #maxParticipations}), or null before any. */
  public synchronized String mostExposedClient() {
    return mostExposed;
  }

  /**
   * The privacy spent by the most-exposed client, which bounds every client's: the run's epsilon at {@link #delta}
   * and the RDP order that gave it. Epsilon 0 before any participation, {@code +infinity} without noise.
   */
  public synchronized RdpAccountant.Spent spent() {
    return spentAfter(maxCount);
  }

  /** The most-exposed client's epsilon: the run's epsilon (see {@link #spent}). */
  public double epsilon() {
    return spent().epsilon();
  }

  /** {@code clientId}'s own epsilon at {@link #delta} (0 for a client never picked). */
  public double epsilon(String clientId) {
    return spentAfter(participations(clientId)).epsilon();
  }

  /**
   * The privacy spent by a client that took part in {@code participations} rounds: the Gaussian mechanism's RDP
   * composed that many times, converted at {@link #delta}.
   *
   * @throws IllegalArgumentException if {@code participations} is negative
   */
  public RdpAccountant.Spent spentAfter(long participations) {
    return perParticipation.spent(participations, delta);
  }

  @Override
  public synchronized String toString() {
    return String.format(Locale.ROOT, "%d rounds, most exposed %s (%d), epsilon %g at delta %g", rounds,
        mostExposed, maxCount, spent().epsilon(), delta);
  }
}
