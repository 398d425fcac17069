package dev.fedlearn.federation.privacy;

import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** DP-FedAvg on tiny literal vectors: clipping, the mean over the picked clients, the noise, and what it refuses. */
public class DifferentialPrivacyTest {
  /** A 1-2 network: four parameters (two weights, two biases). */
  static final LayerSizes FOUR = LayerSizes.of(1, 2);
  /** Float rounding of the means below. */
  static final double FLOAT = 1e-6;

  static Model model(float... params) {
    return new Model(FOUR, params);
  }

  /** A generator whose every Gaussian draw is {@code value}. */
  public static RandomGenerator constant(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextGaussian() {
        return value;
      }
    };
  }

  @Test
  void changesAreClippedToTheNormAndAveragedOverThePickedClients() {
    DifferentialPrivacy dp = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(1, 0, 1e-5),
        round -> constant(0));
    Model global = model(1, 1, 0, 0);
    // Changes (3, 4), norm 5, clipped to (0.6, 0.8); (0.3, 0.4), norm 0.5, kept; sample counts do not weigh.
    List<ClientResult> results = List.of(new ClientResult("a", new float[] {4, 5, 0, 0}, 1000),
        new ClientResult("b", new float[] {1.3f, 1.4f, 0, 0}, 1));
    float[] both = dp.aggregate(1, global, results, List.of(), Map.of()).model().params();
    assertThat((double) both[0]).isCloseTo(1 + (0.6 + 0.3) / 2, within(FLOAT));
    assertThat((double) both[1]).isCloseTo(1 + (0.8 + 0.4) / 2, within(FLOAT));
    // A picked client that sent nothing counts as no change.
    float[] three = dp.aggregate(1, global, results, List.of("c"), Map.of()).model().params();
    assertThat((double) three[0]).isCloseTo(1 + 0.9 / 3, within(FLOAT));
    assertThat(global.params()).containsExactly(1, 1, 0, 0);
  }

  @Test
  void noiseOfSigmaTimesTheClipIsAddedToTheSum() {
    DifferentialPrivacy dp = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(0.5, 2, 1e-5),
        round -> constant(1));
    float[] mean = dp.aggregate(1, model(0, 0, 0, 0), List.of(new ClientResult("a", new float[] {0, 0, 0, 0}, 1),
        new ClientResult("b", new float[] {0, 0, 0, 0}, 1)), List.of(), Map.of()).model().params();
    assertThat((double) mean[0]).as("(0 + 2 x 0.5 x 1) / 2 clients").isCloseTo(0.5, within(FLOAT));

    // Real draws: the mean's noise has standard deviation sigma * C / clients.
    DifferentialPrivacy gaussian = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(0.5, 2, 1e-5),
        round -> new SplittableRandom(round));
    double sum = 0;
    double squares = 0;
    int n = 20_000;
    for (int round = 1; round <= n; round++) {
      double x = gaussian.aggregate(round, model(0, 0, 0, 0), List.of(new ClientResult("a", new float[] {0, 0, 0, 0}, 1),
          new ClientResult("b", new float[] {0, 0, 0, 0}, 1)), List.of(), Map.of()).model().params()[0];
      sum += x;
      squares += x * x;
    }
    double sd = Math.sqrt(squares / n - (sum / n) * (sum / n));
    assertThat(sd).as("2 x 0.5 / 2, within 3%% with 20,000 draws").isCloseTo(0.5, within(0.015));
    assertThat(sum / n).isCloseTo(0, within(0.02));
  }

  @Test
  void aServerOptimizerTakesTheNoisyMeanAsItsPseudoGradient() {
    Strategy momentum = Strategies.create("fedavgm", "serverLearningRate=1.0,serverMomentum=0.0");
    DifferentialPrivacy dp = new DifferentialPrivacy(momentum, new DifferentialPrivacy.Settings(10, 0, 1e-5),
        round -> constant(0));
    List<ClientResult> results = List.of(new ClientResult("a", new float[] {2, 2, 0, 0}, 1),
        new ClientResult("b", new float[] {4, 4, 0, 0}, 3));
    assertThat(dp.aggregate(1, model(0, 0, 0, 0), results, List.of(), Map.of()).model().params())
        .as("the unweighted mean (3, 3), not FedAvg's weighted (3.5, 3.5)").containsExactly(3, 3, 0, 0);
    assertThat(dp.name()).isEqualTo("fedavgm");
    assertThat(dp.parameters()).containsEntry("dpClip", "10.0").containsEntry("dpNoise", "0.0")
        .containsEntry("dpDelta", "1.0E-5").containsKey("serverMomentum");
  }

  @Test
  void strategiesThatLookAtEachUpdateAndBadSettingsAreRefused() {
    DifferentialPrivacy.Settings ok = new DifferentialPrivacy.Settings(1, 1, 1e-5);
    for (String id : List.of("fedmedian", "fedtrimmedavg", "krum", "multikrum")) {
      assertThatThrownBy(() -> new DifferentialPrivacy(Strategies.create(id, ""), ok, r -> constant(0)))
          .as(id).hasMessageContaining("looks at each update");
    }
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(0, 1, 1e-5)).hasMessageContaining("clip norm");
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(1, -1, 1e-5)).hasMessageContaining("noise");
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(1, 1, 1)).hasMessageContaining("delta");
  }

  @Test
  void epsilonShrinksWithMoreNoiseAndGrowsWithParticipations() {
    DifferentialPrivacy.Settings low = new DifferentialPrivacy.Settings(1, 0.8, 1e-5);
    DifferentialPrivacy.Settings high = new DifferentialPrivacy.Settings(1, 1.5, 1e-5);
    assertThat(high.accountant().spentAfter(10).epsilon()).isLessThan(low.accountant().spentAfter(10).epsilon());
    assertThat(low.accountant().spentAfter(20).epsilon()).isGreaterThan(low.accountant().spentAfter(10).epsilon());
    assertThat(new DifferentialPrivacy.Settings(1, 0, 1e-5).accountant().spentAfter(1).epsilon())
        .as("no noise, no privacy").isInfinite();
  }

  /**
   * The audit's case: 100 clients, 10 picked a round from the public seed, sigma 1, 100 rounds, delta 1e-5. The
   * picks are public, so there is no amplification: the reported epsilon is at least the busiest client's, 20 rounds
   * of the Gaussian mechanism (about 31.5), not the 8.93 that Poisson sampling at q = 0.1 would give.
   */
  @Test
  void theReportedEpsilonIsAtLeastTheMostExposedClients() {
    DifferentialPrivacy.Settings dp = new DifferentialPrivacy.Settings(1, 1, 1e-5);
    List<String> ids = new ArrayList<>();
    for (int c = 1; c <= 100; c++) {
      ids.add("client-" + c);
    }
    ClientSampler sampler = new ClientSampler(0.1, 1);
    ParticipationAccountant accountant = dp.accountant();
    Map<String, Integer> counted = new HashMap<>();
    for (int round = 1; round <= 100; round++) {
      List<String> picked = sampler.pick(ids, round, 42);
      assertThat(picked).hasSize(10);
      accountant.record(picked);
      picked.forEach(id -> counted.merge(id, 1, Integer::sum));
    }
    int busiest = Collections.max(counted.values());
    assertThat(Collections.min(counted.values())).as("the quietest client").isEqualTo(3);
    assertThat(busiest).isEqualTo(20);
    assertThat(counted).hasSize(100);

    double reported = accountant.epsilon();
    for (Map.Entry<String, Integer> c : counted.entrySet()) {
      // Each client's own epsilon, with q = 1: the Gaussian mechanism's RDP alpha / (2 sigma^2), composed.
      double own = new RdpAccountant(1, dp.noise()).spent(c.getValue(), dp.delta()).epsilon();
      assertThat(reported).as(c.getKey()).isGreaterThanOrEqualTo(own);
    }
    assertThat(reported).isCloseTo(20 + Math.log(1e5), within(1e-9)); // 31.51, at order 2
    assertThat(accountant.maxParticipations()).isEqualTo(busiest);
    assertThat(counted.get(accountant.mostExposedClient())).isEqualTo(busiest);
    double amplified = new RdpAccountant(0.1, 1).spent(100, 1e-5).epsilon();
    assertThat(amplified).as("what the audit found reported").isCloseTo(8.93, within(0.005));
    assertThat(reported).isGreaterThan(3 * amplified);
  }

  /** Under secure aggregation only the threshold t of the m clients' noise shares may reach the sum. */
  @Test
  void underSecureAggregationTheAccountantTakesTheThresholdsNoise() {
    DifferentialPrivacy.Settings dp = new DifferentialPrivacy.Settings(2, 1.5, 1e-5);
    assertThat(dp.noiseUnderSecureAggregation(10)).as("t = 7 of 10").isCloseTo(1.5 * Math.sqrt(0.7), within(1e-15));
    assertThat(dp.noiseUnderSecureAggregation(4)).as("t = 3 of 4").isCloseTo(1.5 * Math.sqrt(0.75), within(1e-15));
    assertThat(dp.noiseUnderSecureAggregation(3)).as("t = 3 of 3").isEqualTo(1.5);
    assertThat(dp.noiseUnderSecureAggregation(1)).isEqualTo(1.5);
    for (int m = 1; m <= 1000; m++) {
      int t = dev.fedlearn.federation.secagg.SecAggServer.defaultThreshold(m);
      double shares = t * Math.pow(dp.clientNoiseStd(m), 2); // the variance that t clients' shares add up to
      assertThat(dp.noiseUnderSecureAggregation(m) * dp.clip()).as("m = %d", m)
          .isCloseTo(Math.sqrt(shares), within(1e-12));
      assertThat(dp.noiseUnderSecureAggregation(m)).isLessThanOrEqualTo(1.5).isGreaterThan(1.5 * Math.sqrt(2.0 / 3));
    }
    ParticipationAccountant secure = dp.accountantUnderSecureAggregation(10);
    assertThat(secure.noiseMultiplier()).isEqualTo(dp.noiseUnderSecureAggregation(10));
    assertThat(secure.spentAfter(5).epsilon()).isGreaterThan(dp.accountant().spentAfter(5).epsilon());
    assertThatThrownBy(() -> dp.noiseUnderSecureAggregation(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The secure aggregation bound must leave 8 standard deviations of a client's noise above the clip norm. */
  @Test
  void aBoundThatWouldClipTheNoiseIsRefused() {
    DifferentialPrivacy.Settings dp = new DifferentialPrivacy.Settings(1, 1, 1e-5);
    // 4 clients: each adds noise of standard deviation 1 * 1 / 2, so the bound must be at least 1 + 8 * 0.5 = 5.
    assertThat(dp.clientNoiseStd(4)).isEqualTo(0.5);
    assertThat(dp.minimumSecureAggregationBound(4)).isEqualTo(5);
    dp.requireUnclipped(5f, 4);
    dp.requireUnclipped(Math.nextUp(5f), 4);
    dp.requireUnclipped(16f, 4);
    assertThatThrownBy(() -> dp.requireUnclipped(Math.nextDown(5f), 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FL_SECAGG_BOUND").hasMessageContaining("--secagg-bound")
        .hasMessageContaining("clip norm 1.0").hasMessageContaining("at least clip + 8 x that = 5")
        .hasMessageNotContaining("\n");
    // 1 client carries all the noise: 1 + 8 = 9.
    assertThatThrownBy(() -> dp.requireUnclipped(8.99f, 1)).hasMessageContaining("= 9");
    dp.requireUnclipped(9f, 1);
    // Clip 2, sigma 3, 9 clients: s = 2, 2 + 16 = 18 > the default bound 16.
    DifferentialPrivacy.Settings loud = new DifferentialPrivacy.Settings(2, 3, 1e-5);
    assertThatThrownBy(() -> loud.requireUnclipped(16f, 9)).hasMessageContaining("= 18");
    loud.requireUnclipped(18.01f, 9);
    assertThatThrownBy(() -> dp.requireUnclipped(16f, 0)).isInstanceOf(IllegalArgumentException.class);
    // No noise: the clip norm itself is enough.
    new DifferentialPrivacy.Settings(1, 0, 1e-5).requireUnclipped(1f, 1);
  }
}
