package dev.fedlearn.federation.run;

import static dev.fedlearn.federation.run.TestRuns.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Buffered asynchronous aggregation (FedBuff) in the coordinator, against figures worked out by hand. */
class BufferedVersionsTest {
  private static final RunDefinition.Asynchrony K2_S1_HALF = new RunDefinition.Asynchrony(2, 1, 0.5);

  private static final java.util.List<RunEvent> EVENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static RunCoordinator run(int versions, RunDefinition.Asynchrony async, TestRuns.ManualClock clock) {
    RunRules rules = RunRules.of(versions, 3);
    RunDefinition definition = TestRuns.definition(rules, new FedAvg(), ClientSampler.ALL, null).withAsynchrony(async);
    RunCoordinator run = new RunCoordinator(rules, definition, new Model(TestRuns.SIZES,
        new float[] {0.1f, 0, 0, 0, 0, 0}), r -> null, m -> new Evaluation(10, 1 - m.params()[0], m.params()[0]),
        clock, RunStore.NONE, Duration.ofSeconds(30));
    run.events().subscribe(EVENTS::add);
    for (String id : new String[] {"a", "b", "c"}) {
      run.register(registration(id));
    }
    return run;
  }

  private static ClientUpdate change(String id, long samples, float first) {
    return new ClientUpdate(id, samples, TestRuns.SIZES.toArray(), new float[] {first, 1, 2, 3, 4, 5}, 0.5, 0.8);
  }

  @Test
  void everyBufferOfChangesMakesAVersionWeightedBySamplesAndStaleness() {
    RunCoordinator run = run(3, K2_S1_HALF, new TestRuns.ManualClock());
    // version 1: a (30 samples) and b (10) trained on version 0, 0.1: changes 1.0 and 2.0, staleness 0
    assertThat(run.submitUpdate(1, change("a", 30, 1.1f)).round()).isZero();
    assertThat(run.submitUpdate(1, change("b", 10, 2.1f)).round()).isEqualTo(1);
    double x1 = 0.1 + 0.5 * (30 * 1.0 + 10 * 2.0) / 40; // 0.725
    assertThat(run.globalModel().params()[0]).isCloseTo((float) x1, offset(1e-6f));
    assertThat(run.globalModel().params()[1]).isCloseTo(0.5f, offset(1e-6f)); // 0 + 0.5 * (30 + 10) / 40
    // version 2: c's change on version 0 is one version behind (weight 1/sqrt(2)); a's on version 1 is not
    run.submitUpdate(1, change("c", 20, 4.1f));
    run.submitUpdate(2, change("a", 20, (float) x1 + 1));
    double x2 = x1 + 0.5 * (20 * (4.0 / Math.sqrt(2)) + 20 * 1.0) / 40;
    assertThat(run.globalModel().params()[0]).isCloseTo((float) x2, offset(1e-5f));
    assertThat(run.status().round()).isEqualTo(2);
    // version 3: b's change on version 0 is two behind, more than the maximum staleness of 1: dropped
    assertThatThrownBy(() -> run.submitUpdate(1, change("b", 10, 9f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("2 versions behind the newest, 2, more than the maximum staleness of 1")
        .satisfies(e -> assertThat(((Refusal) e).type()).isEqualTo(ProblemTypes.TOO_STALE));
    assertThat(run.status().updatesReceived()).as("the dropped change is not buffered").isZero();
    assertThat(EVENTS).as("a refusal is not the run's state: the web layer records it, rate-limited")
        .noneSatisfy(e -> assertThat(e.type()).isEqualTo(RunEvent.Type.REFUSED.id()));
    run.submitUpdate(3, change("b", 10, (float) x2 + 1));
    assertThatThrownBy(() -> run.submitUpdate(3, change("b", 10, 1f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("one change per client per version");
    assertThatThrownBy(() -> run.submitUpdate(4, change("c", 10, 1f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("no version is built on version 3; the newest is 2");
    run.submitUpdate(3, change("c", 10, (float) x2 + 3));
    assertThat(run.globalModel().params()[0]).isCloseTo((float) (x2 + 0.5 * (10 + 10 * 3.0) / 20), offset(1e-5f));
    assertThat(run.status().state()).as("the run's rounds count its versions").isEqualTo(RunState.COMPLETED);
  }

  @Test
  void aBufferOfEveryClientWithNoStalenessAndRateOneIsASynchronousRoundBitForBit() {
    RunCoordinator async = run(1, new RunDefinition.Asynchrony(3, 0, 1.0), new TestRuns.ManualClock());
    RunCoordinator sync = TestRuns.run(1, 3);
    for (String id : new String[] {"a", "b", "c"}) {
      sync.register(registration(id));
    }
    float[][] trained = {{0.37f, -1.3f, 2.9f, 1e-3f, 4.4f, 5.1f}, {0.11f, 1.7f, -2.2f, 3.3f, 0.4f, -5f},
        {-0.9f, 0.6f, 2.5f, 3.1f, -4.7f, 5.9f}};
    String[] ids = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
      ClientUpdate u = new ClientUpdate(ids[i], 10 + 7L * i, TestRuns.SIZES.toArray(), trained[i], 0.5, 0.8);
      async.submitUpdate(1, u);
      sync.submitUpdate(1, u);
    }
    assertThat(async.globalModel().params()).isEqualTo(sync.globalModel().params());
  }

  @Test
  void aChangeNamingAnOldBaseCannotCarryTheModelPastTheWeightBound() {
    RunRules rules = new RunRules(5, 3, 3, RunRules.DEFAULT_ROUND_TIMEOUT, RunRules.DEFAULT_MAX_ROUND_WAIT, 10,
        Integer.MAX_VALUE);
    RunCoordinator run = new RunCoordinator(rules, TestRuns.definition(rules, new FedAvg(), ClientSampler.ALL, null)
        .withAsynchrony(new RunDefinition.Asynchrony(2, 3, 1.0)), new Model(TestRuns.SIZES,
        new float[] {0.1f, 0, 0, 0, 0, 0}), r -> null, m -> new Evaluation(10, 0, 0), new TestRuns.ManualClock(),
        RunStore.NONE, Duration.ofSeconds(30));
    for (String id : new String[] {"a", "b", "c"}) {
      run.register(registration(id));
    }
    float[] far = {0.1f, 0, 0, 0, 0, 9}; // norm 9: within the bound of 10
    run.submitUpdate(1, new ClientUpdate("b", 10, TestRuns.SIZES.toArray(), far, 0.5, 0.8));
    run.submitUpdate(1, new ClientUpdate("c", 10, TestRuns.SIZES.toArray(), far, 0.5, 0.8));
    // a's change, the same weights on version 0, one version behind: 9 + 9 / sqrt(2), about 15.4, past the bound
    assertThatThrownBy(() -> run.submitUpdate(1, new ClientUpdate("a", 10, TestRuns.SIZES.toArray(), far, 0.5, 0.8)))
        .isInstanceOf(Refusal.class).hasMessageContaining("applied to version 1, has L2 norm 15.36, above the bound");
    assertThat(run.status().updatesReceived()).isZero();
    assertThat(run.globalModel().params()).containsExactly(far);
  }

  @Test
  void theDefaultBufferIsHalfTheClientsButNeverOneClientAlone() {
    assertThat(java.util.stream.IntStream.of(1, 2, 3, 4, 5, 10).map(RunDefinition.Asynchrony::defaultBufferSize)
        .toArray()).containsExactly(1, 2, 2, 2, 3, 5);
  }

  @Test
  void aPollAnsweredAsAVersionClosedSaysTheChangeIsInIt() {
    RunCoordinator run = run(5, K2_S1_HALF, new TestRuns.ManualClock());
    run.submitUpdate(1, change("b", 10, 1f));
    run.submitUpdate(1, change("c", 10, 1f));
    dev.fedlearn.protocol.GlobalModel version1 = run.awaitModel(-1, Duration.ZERO).join();
    run.submitUpdate(2, change("a", 10, 1f));
    run.submitUpdate(2, change("b", 10, 1f)); // version 2 made, with a's change
    synchronized (run) {
      assertThat(run.run.progress("a", version1).submitted()).as("a's change for version 2 is in it").isTrue();
      assertThat(run.run.progress("c", version1).submitted()).isFalse();
    }
  }

  @Test
  void theDeadlineMakesAVersionFromAPartBufferAndAnEmptyOneFailsTheRunInTime() {
    TestRuns.ManualClock clock = new TestRuns.ManualClock();
    RunCoordinator run = run(3, new RunDefinition.Asynchrony(3, 2, 1.0), clock);
    run.submitUpdate(1, change("a", 30, 1.1f));
    run.tick();
    assertThat(run.status().round()).as("before the deadline").isZero();
    clock.advance(RunRules.DEFAULT_ROUND_TIMEOUT);
    run.tick();
    assertThat(run.status().round()).as("one change of three, past the deadline").isEqualTo(1);
    assertThat(run.globalModel().params()[0]).isCloseTo(1.1f, offset(1e-6f));
    clock.advance(RunRules.DEFAULT_MAX_ROUND_WAIT);
    run.tick();
    assertThat(run.status().state()).isEqualTo(RunState.FAILED);
    assertThat(run.status().message()).contains("version 2 had no change");
  }

  @Test
  void whatCannotKeepItsPromisesAsynchronouslyIsRefusedWithTheReason() {
    RunRules rules = RunRules.of(3, 4);
    RunDefinition plain = TestRuns.definition(rules, new FedAvg(), ClientSampler.ALL, null);
    RunDefinition.Asynchrony async = new RunDefinition.Asynchrony(2, 4, 1.0);
    assertThatThrownBy(() -> TestRuns.definition(rules, new FedAvg(), ClientSampler.ALL,
        new DifferentialPrivacy.Settings(1, 1, 1e-5)).withAsynchrony(async))
        .hasMessageContaining("the epsilon would not hold");
    assertThatThrownBy(() -> RunDefinition.of(3, 4, plain.data(), TestRuns.SIZES, plain.trainingConfig(),
        new FedAvg(), ClientSampler.ALL, null, 16f).withAsynchrony(async))
        .hasMessageContaining("secure aggregation unmasks only the sum");
    for (String robust : new String[] {"fedmedian", "fedtrimmedavg", "krum", "multikrum"}) {
      assertThatThrownBy(() -> TestRuns.definition(rules, Strategies.create(robust, ""), ClientSampler.ALL, null)
          .withAsynchrony(async)).hasMessageContaining("stale changes from older versions are not comparable");
    }
    assertThatThrownBy(() -> TestRuns.definition(rules, Strategies.create("fedadam", ""), ClientSampler.ALL, null)
        .withAsynchrony(async)).hasMessageContaining("a server optimizer of its own");
    assertThatThrownBy(() -> TestRuns.definition(rules, new FedAvg(), new ClientSampler(0.5, 1), null)
        .withAsynchrony(async)).hasMessageContaining("samples no clients");
    assertThatThrownBy(() -> plain.withAsynchrony(new RunDefinition.Asynchrony(5, 4, 1.0)))
        .hasMessageContaining("between 1 and the run's 4 clients, got 5");
    assertThat(plain.withAsynchrony(async).withAsynchrony(async)).isEqualTo(plain.withAsynchrony(async));
    assertThat(RunDefinition.fromJson(plain.withAsynchrony(async).toJson())).isEqualTo(plain.withAsynchrony(async));
    assertThat(RunDefinition.fromJson(plain.toJson()).asynchrony()).isNull();
  }
}
