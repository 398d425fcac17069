package dev.fedlearn.federation.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.DifferentialPrivacyTest;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.federation.secagg.SecAggSession;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.federation.strategy.StrategyType;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SecAggPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * A secure round in memory, on tiny literal vectors: three sites send their updates through the run's secure
 * aggregation workflow (the aggregator's {@code SecureRounds}, over {@link InMemorySecureClients}); the new global
 * model is FedAvg's mean within the fixed-point error.
 */
class SecureSimulationTest {
  static final LayerSizes FOUR = LayerSizes.of(1, 2);
  static final Model GLOBAL = new Model(FOUR, new float[] {0, 0, 0, 0});
  static final List<ClientResult> RESULTS = List.of(
      new ClientResult("a", new float[] {1f, -2f, 0.5f, 3f}, 10),
      new ClientResult("b", new float[] {3f, 2f, -0.5f, -1f}, 30),
      new ClientResult("c", new float[] {-1f, 0.25f, 8f, 0f}, 60));

  /** The coordinator of a one-round secure run of the three sites, every site registered: round 1 is open. */
  private static RunCoordinator run(float bound, DifferentialPrivacy.Settings dp) {
    RunDefinition definition = RunDefinition.of(1, 3, new RunDefinition.Data("test", 0), FOUR,
        TrainingConfig.defaults().withEpochs(1), new FedAvg(), ClientSampler.ALL, dp, bound);
    RunCoordinator c = new RunCoordinator(RunRules.of(1, 3), definition, GLOBAL, round -> null,
        m -> new Evaluation(0, 0, 0), Clock.systemUTC(), RunStore.NONE, Duration.ofDays(1));
    for (ClientResult r : RESULTS) {
      c.register(new ClientRegistration(r.clientId(), (int) r.numSamples(), 0));
    }
    return c;
  }

  /** Sends the three results through round 1's secure aggregation; the run's new global model. */
  private static float[] secureRound(RunCoordinator c, IntFunction<RandomGenerator> noise) {
    InMemorySecureClients.send(c, 1, updates(), GLOBAL.params(), noise);
    assertThat(c.status().state()).isEqualTo(RunState.COMPLETED);
    return c.globalModel().params();
  }

  private static List<ClientUpdate> updates() {
    return RESULTS.stream().map(r -> new ClientUpdate(r.clientId(), r.numSamples(), FOUR.toArray(), r.weights(), 0, 0,
        List.of())).toList();
  }

  @Test
  void theMeanIsFedAvgsWithinTheFixedPointError() {
    RunCoordinator c = run(16f, null);
    Simulation.SecAggCost cost = InMemorySecureClients.send(c, 1, updates(), GLOBAL.params(), round -> null);
    float[] got = c.globalModel().params();
    float[] expected = FedAvg.average(4, RESULTS);
    double bound = FixedPoint.errorBound(3, FixedPoint.scale(16, 100), 100);
    for (int j = 0; j < 4; j++) {
      assertThat((double) got[j]).as("weight %d", j).isCloseTo(expected[j], within(bound));
    }
    assertThat(bound).as("the stated bound").isLessThan(1e-5);
    assertThat(cost.parties()).isEqualTo(3);
    assertThat(cost.threshold()).isEqualTo(3);
    assertThat(cost.bytesUp()).as("the public keys and the masked inputs, at least").isGreaterThan(3 * (64 + 4 * 4));
    assertThat(cost.bytesDown()).as("every site receives the others' public keys").isGreaterThanOrEqualTo(3 * 3 * 64);
  }

  @Test
  void weightsBeyondTheBoundAreClipped() {
    float[] got = secureRound(run(2f, null), round -> null);
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
        SecureAggregation.check(type.id(), 16f, dp);
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
  void aRunThatCannotCombineIsRefused() {
    assertThatThrownBy(() -> RunDefinition.of(1, 3, new RunDefinition.Data("test", 0), FOUR,
        TrainingConfig.defaults(), Strategies.create("krum", ""), ClientSampler.ALL, null, 16f))
        .hasMessageContaining("krum looks at each update");
    assertThatThrownBy(() -> run(0f, null)).hasMessageContaining("positive");
    assertThatThrownBy(() -> run(1f, new DifferentialPrivacy.Settings(1.5, 0, 1e-5)))
        .hasMessageContaining("must exceed the DP clip norm");
  }

  /** With DP, the clients clip and add the noise: without noise, DP-FedAvg's server-side mean; with, sigma*C in all. */
  @Test
  void withDifferentialPrivacyTheClientsSharesGiveDpFedAvg() {
    DifferentialPrivacy.Settings quiet = new DifferentialPrivacy.Settings(1.5, 0, 1e-5);
    float[] server = new DifferentialPrivacy(new FedAvg(), quiet, round -> DifferentialPrivacyTest.constant(0))
        .aggregate(1, GLOBAL, RESULTS, List.of(), Map.of()).model().params();
    float[] clients = secureRound(run(16f, quiet), round -> DifferentialPrivacyTest.constant(0));
    double bound = FixedPoint.errorBound(3, FixedPoint.scale(16, 3), 3);
    for (int j = 0; j < 4; j++) {
      assertThat((double) clients[j]).as("weight %d", j).isCloseTo(server[j], within(bound));
    }
    // Every Gaussian draw 0.5: each of the 3 clients adds 0.5 * 2 * 1.5 / sqrt(3), the mean over the 3 picked
    // clients moves by 3 * 1.5 / sqrt(3) / 3 more than without noise.
    DifferentialPrivacy.Settings noisy = new DifferentialPrivacy.Settings(1.5, 2, 1e-5);
    float[] withNoise = secureRound(run(16f, noisy), round -> DifferentialPrivacyTest.constant(0.5));
    for (int j = 0; j < 4; j++) {
      assertThat((double) withNoise[j]).as("weight %d", j).isCloseTo(server[j] + 1.5 / Math.sqrt(3), within(1e-5));
    }
  }

  /**
   * The clients' noise is never clipped by the bound: a run whose noise shares the bound could clip (clip 1.5, noise
   * 2, 3 picked: each share has standard deviation 3 / sqrt(3) = 1.73, the bound must be at least 1.5 + 8 x 1.73 =
   * 15.4) is refused instead of adding less noise than the accountant counts on.
   */
  @Test
  void aRunWhoseNoiseTheBoundCouldClipIsRefused() {
    DifferentialPrivacy.Settings noisy = new DifferentialPrivacy.Settings(1.5, 2, 1e-5);
    assertThatThrownBy(() -> run(15.3f, noisy)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the secure aggregation bound")
        .hasMessageContaining("at least clip + 8 x that = 15.356407");
    assertThat(secureRound(run(15.4f, noisy), round -> DifferentialPrivacyTest.constant(0.5))).hasSize(4);
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

  /** A round sums only the clients it picks: registrations are bounded by the largest ones a round may pick. */
  @Test
  void registrationsAreBoundedByTheClientsARoundPicks() {
    for (ClientSampler sampler : List.of(new ClientSampler(0.34, 1), ClientSampler.ALL)) {
      RunDefinition definition = RunDefinition.of(1, 3, new RunDefinition.Data("test", 0), FOUR,
          TrainingConfig.defaults().withEpochs(1), new FedAvg(), sampler, null, 100000f);
      RunCoordinator c = new RunCoordinator(RunRules.of(1, 3), definition, GLOBAL, round -> null,
          m -> new Evaluation(0, 0, 0), Clock.systemUTC(), RunStore.NONE, Duration.ofDays(1));
      c.register(new ClientRegistration("a", 20000, 0));
      if (sampler == ClientSampler.ALL) {
        assertThatThrownBy(() -> c.register(new ClientRegistration("b", 20000, 0)))
            .hasMessageContaining("cannot encode the 40000 training samples a round may sum");
      } else {
        c.register(new ClientRegistration("b", 20000, 0));
        c.register(new ClientRegistration("c", 20000, 0));
        assertThat(c.status().registeredClients()).as("one client a round: 20000 samples").isEqualTo(3);
      }
    }
  }
}
