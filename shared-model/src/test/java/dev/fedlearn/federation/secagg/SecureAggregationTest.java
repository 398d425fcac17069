package dev.fedlearn.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.DifferentialPrivacyTest;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.federation.strategy.StrategyType;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secure aggregation in one process, on tiny literal vectors: FedAvg's mean within the fixed-point error. */
class SecureAggregationTest {
  static final LayerSizes FOUR = LayerSizes.of(1, 2);
  static final Model GLOBAL = new Model(FOUR, new float[] {0, 0, 0, 0});
  static final List<ClientResult> RESULTS = List.of(
      new ClientResult("a", new float[] {1f, -2f, 0.5f, 3f}, 10),
      new ClientResult("b", new float[] {3f, 2f, -0.5f, -1f}, 30),
      new ClientResult("c", new float[] {-1f, 0.25f, 8f, 0f}, 60));

  @Test
  void theMeanIsFedAvgsWithinTheFixedPointError() {
    SecureAggregation secure = new SecureAggregation(new FedAvg(), 16f);
    float[] got = secure.aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    float[] expected = FedAvg.average(4, RESULTS);
    double bound = FixedPoint.errorBound(3, FixedPoint.scale(16, 100), 100);
    for (int j = 0; j < 4; j++) {
      assertThat((double) got[j]).as("weight %d", j).isCloseTo(expected[j], within(bound));
    }
    assertThat(bound).as("the stated bound").isLessThan(1e-5);
    SecureAggregation.Cost cost = secure.lastCost();
    assertThat(cost.parties()).isEqualTo(3);
    assertThat(cost.threshold()).isEqualTo(3);
    assertThat(cost.bytesUp()).as("at least the masked inputs").isGreaterThan(3 * 4 * 5);
  }

  @Test
  void weightsBeyondTheBoundAreClipped() {
    SecureAggregation secure = new SecureAggregation(new FedAvg(), 2f);
    float[] got = secure.aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    // Third weight: a 0.5, b -0.5, c 8 clipped to 2: (5 - 15 + 120) / 100.
    assertThat((double) got[2]).isCloseTo(1.1, within(1e-5));
  }

  /** Differential privacy and secure aggregation take exactly the strategies the registry says need only the mean. */
  @Test
  void privacyAndSecureAggregationTakeTheStrategiesTheRegistryMarks() {
    DifferentialPrivacy.Settings dp = new DifferentialPrivacy.Settings(1, 1, 1e-5);
    for (StrategyType type : StrategyType.values()) {
      Strategy plain = Strategies.create(type.id(), "");
      if (type.needsOnlyTheMean()) {
        assertThat(new SecureAggregation(plain, 16f).name()).isEqualTo(type.id());
        assertThat(new DifferentialPrivacy(plain, dp, r -> null).name()).isEqualTo(type.id());
      } else {
        assertThatThrownBy(() -> SecureAggregation.check(type.id())).hasMessage("secure aggregation gives the "
            + "server only the sum of the updates, which fedadagrad, fedadam, fedavg, fedavgm, fedprox, fedyogi need; "
            + type.id() + " looks at each update");
        assertThatThrownBy(() -> DifferentialPrivacy.check(type.id())).hasMessage("differential privacy needs a "
            + "strategy that uses only the mean of the updates (fedadagrad, fedadam, fedavg, fedavgm, fedprox, "
            + "fedyogi); " + type.id() + " looks at each update, which the clipping and the noise are meant to hide");
      }
    }
    assertThatThrownBy(() -> SecureAggregation.check("fedsgd")).hasMessageEndingWith("fedsgd looks at each update");
  }

  @Test
  void strategiesThatLookAtEachUpdateAreRefused() {
    assertThatThrownBy(() -> new SecureAggregation(Strategies.create("krum", ""), 16f))
        .hasMessageContaining("krum looks at each update");
    assertThatThrownBy(() -> new SecureAggregation(new FedAvg(), 0f)).hasMessageContaining("positive");
  }

  /** With DP, the clients clip and add the noise: without noise, DP-FedAvg's server-side mean; with, sigma*C in all. */
  @Test
  void withDifferentialPrivacyTheClientsSharesGiveDpFedAvg() {
    DifferentialPrivacy.Settings quiet = new DifferentialPrivacy.Settings(1.5, 0, 1e-5);
    float[] server = new DifferentialPrivacy(new FedAvg(), quiet, round -> DifferentialPrivacyTest.constant(0))
        .aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    float[] clients = new SecureAggregation(new FedAvg(), 16f, quiet, round -> DifferentialPrivacyTest.constant(0))
        .aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    double bound = FixedPoint.errorBound(3, FixedPoint.scale(16, 3), 3);
    for (int j = 0; j < 4; j++) {
      assertThat((double) clients[j]).as("weight %d", j).isCloseTo(server[j], within(bound));
    }
    // Every Gaussian draw 0.5: each of the 3 clients adds 0.5 * 2 * 1.5 / sqrt(3), the mean over the 3 picked
    // clients moves by 3 * 1.5 / sqrt(3) / 3 more than without noise.
    DifferentialPrivacy.Settings noisy = new DifferentialPrivacy.Settings(1.5, 2, 1e-5);
    float[] withNoise = new SecureAggregation(new FedAvg(), 16f, noisy, round -> DifferentialPrivacyTest.constant(0.5))
        .aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    for (int j = 0; j < 4; j++) {
      assertThat((double) withNoise[j]).as("weight %d", j).isCloseTo(server[j] + 1.5 / Math.sqrt(3), within(1e-5));
    }
    assertThatThrownBy(() -> new SecureAggregation(new FedAvg(), 16f, quiet, round -> null)
        .aggregate(1, GLOBAL, RESULTS, List.of("d"), Map.of()))
        .hasMessageContaining("every picked client");
    assertThatThrownBy(() -> new SecureAggregation(new FedAvg(), 1f, quiet, round -> null))
        .hasMessageContaining("must exceed the DP clip norm");
  }

  /**
   * The clients' noise is never clipped by the bound: a round whose noise shares the bound could clip (clip 1.5, noise
   * 2, 3 picked: each share has standard deviation 3 / sqrt(3) = 1.73, the bound must be at least 1.5 + 8 x 1.73 =
   * 15.4) fails
   * instead of adding less noise than the accountant counts on.
   */
  @Test
  void aRoundWhoseNoiseTheBoundCouldClipFails() {
    DifferentialPrivacy.Settings noisy = new DifferentialPrivacy.Settings(1.5, 2, 1e-5);
    SecureAggregation tight = new SecureAggregation(new FedAvg(), 15.3f, noisy,
        round -> DifferentialPrivacyTest.constant(0.5));
    assertThatThrownBy(() -> tight.aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()))
        .isInstanceOf(AggregationException.class).hasMessageStartingWith("round 1: the secure aggregation bound")
        .hasMessageContaining("at least clip + 8 x that = 15.356407");
    SecureAggregation roomy = new SecureAggregation(new FedAvg(), 15.4f, noisy,
        round -> DifferentialPrivacyTest.constant(0.5));
    assertThat(roomy.aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params()).hasSize(4);
  }

  /**
   * The strategy's one input from a session: with DP, the global model plus the included clients' mean change
   * weighted by the share of the picked clients they are (a picked client that sent nothing counts as no change);
   * without, the unmasked mean and its samples.
   */
  @Test
  void aSessionsResultCountsThePickedClientsThatSentNothingAsNoChange() {
    float[] global = {1, 2};
    float[] mean = {4, -8};
    Map<String, MaskedUpdate> three = Map.of("a", MaskedUpdate.of("a", new int[3]), "b", MaskedUpdate.of("b",
        new int[3]), "c", MaskedUpdate.of("c", new int[3]));
    SecAggPlan dp = new SecAggPlan(1, "s", 3, 1, 16, List.of("a", "b", "c", "d"), 1.0, 0.5);
    ClientResult noisy = SecureAggregation.result(dp, global, new SecAggSession.Result(mean, 3, three));
    assertThat(noisy.weights()).containsExactly(1 + 4 * 3f / 4, 2 - 8 * 3f / 4);
    assertThat(noisy.numSamples()).isEqualTo(1);
    SecAggPlan plain = new SecAggPlan(1, "s", 3, 1, 16, List.of("a", "b", "c", "d"), null, null);
    ClientResult sum = SecureAggregation.result(plain, global, new SecAggSession.Result(mean, 70, three));
    assertThat(sum.weights()).containsExactly(mean);
    assertThat(sum.numSamples()).isEqualTo(70);
  }
}
