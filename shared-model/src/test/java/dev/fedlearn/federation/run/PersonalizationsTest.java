package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.PersonalizedReport;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The clients' personalization reports: taken once the run completed, once per client, checked, never in private. */
class PersonalizationsTest {
  /** A completed one-round run of clients a and b (each with the test samples TestRuns registers). */
  static RunCoordinator completed() {
    RunCoordinator run = TestRuns.run(1, 2);
    run.register(TestRuns.registration("a"));
    run.register(TestRuns.registration("b"));
    run.submitUpdate(1, TestRuns.update("a", 10, 0.5f));
    run.submitUpdate(1, TestRuns.update("b", 10, 0.7f));
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    return run;
  }

  @Test
  void aClientsPersonalizationIsTakenOnceTheRunCompleted() {
    RunCoordinator early = TestRuns.run(2, 2);
    early.register(TestRuns.registration("a"));
    assertThatThrownBy(() -> early.submitPersonalized(0, new PersonalizedReport("a", 2, 4, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("once the run has completed");

    RunCoordinator run = completed();
    PersonalizedReport a = new PersonalizedReport("a", 2, 4, 0.5, 0.3, 0.75);
    run.submitPersonalized(1, a);
    assertThat(run.personalized()).containsExactly(a);
    assertThat(run.snapshot().personalized()).containsExactly(a);
    assertThatThrownBy(() -> run.submitPersonalized(1, a)).isInstanceOf(Refusal.class)
        .hasMessageContaining("already reported");
    assertThatThrownBy(() -> run.submitPersonalized(2, new PersonalizedReport("b", 2, 4, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("its last round's model");
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("stranger", 2, 4, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("not registered");
  }

  @Test
  void figuresNoScoringGivesAreRefused() {
    RunCoordinator run = completed();
    int tests = TestRuns.registration("b").testSamples();
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("b", 0, 4, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("epochs must be between 1 and 10000");
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("b", 2, tests + 1, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("test samples client b registered");
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("b", 2, 4, 0.5, 0.3, 0.6)))
        .isInstanceOf(Refusal.class).hasMessageContaining("a share of the 4 samples");
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("b", 2, 4, 0.5, Double.NaN, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("loss finite");
    assertThat(run.personalized()).isEmpty();
  }

  @Test
  void aPrivateRunTakesNone() {
    RunCoordinator run = TestRuns.run(RunRules.of(1, 2), Clock.systemUTC(), RunStore.NONE, new FedAvg(),
        ClientSampler.ALL, new DifferentialPrivacy.Settings(1, 0, 1e-5), round -> new java.util.SplittableRandom(1));
    run.register(TestRuns.registration("a"));
    assertThatThrownBy(() -> run.submitPersonalized(1, new PersonalizedReport("a", 2, 4, 0.5, 0.3, 0.75)))
        .isInstanceOf(Refusal.class).hasMessageContaining("outside the privacy guarantee");
  }
}
