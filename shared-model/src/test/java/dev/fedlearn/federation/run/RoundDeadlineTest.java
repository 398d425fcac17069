package dev.fedlearn.federation.run;

import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Dropouts and stragglers: a round's deadline, the quorum, the longest wait; and the bounds on updates. */
class RoundDeadlineTest {
  final TestRuns.ManualClock clock = new TestRuns.ManualClock();

  private RunCoordinator run(int clients, int quorum) {
    RunCoordinator run = TestRuns.run(new RunRules(3, clients, quorum, Duration.ofSeconds(60),
        Duration.ofSeconds(300), 100), clock);
    for (int c = 0; c < clients; c++) {
      run.register(registration("c" + c));
    }
    return run;
  }

  @Test
  void atTheDeadlineARoundWithTheQuorumIsAggregatedWithWhoeverReported() {
    RunCoordinator run = run(3, 2);
    run.submitUpdate(1, update("c0", 10, 1f));
    run.submitUpdate(1, update("c1", 30, 5f));
    clock.advance(Duration.ofSeconds(59));
    run.tick();
    assertThat(run.status().round()).as("before the deadline the round waits for c2").isZero();
    assertThat(run.status().message()).contains("[c2]").contains("deadline in 1 s");
    clock.advance(Duration.ofSeconds(1));
    run.tick();
    assertThat(run.status().round()).isEqualTo(1);
    assertThat(run.globalModel().params()[0]).isEqualTo(4f); // (10*1 + 30*5) / 40
    assertThat(run.round(1).participants()).containsExactly("c0", "c1");
  }

  @Test
  void aLateClientIsRefusedForTheClosedRoundAndRejoinsTheNext() {
    RunCoordinator run = run(3, 2);
    run.submitUpdate(1, update("c0", 10, 1f));
    run.submitUpdate(1, update("c1", 10, 1f));
    clock.advance(Duration.ofSeconds(61));
    run.tick();
    assertThatThrownBy(() -> run.submitUpdate(1, update("c2", 10, 1f))).hasMessageContaining("round 1 is not open");
    run.submitUpdate(2, update("c2", 10, 1f));
    run.submitUpdate(2, update("c0", 10, 1f));
    run.submitUpdate(2, update("c1", 10, 1f));
    assertThat(run.round(2).participants()).containsExactly("c0", "c1", "c2");
  }

  @Test
  void belowTheQuorumTheRoundWaitsThenTheRunFailsWithTheReason() {
    RunCoordinator run = run(3, 2);
    run.submitUpdate(1, update("c0", 10, 1f));
    clock.advance(Duration.ofSeconds(120));
    run.tick();
    assertThat(run.status().state()).isEqualTo(RunState.TRAINING);
    assertThat(run.status().message()).contains("below the quorum of 2").contains("[c1, c2]");
    run.submitUpdate(1, update("c1", 10, 1f)); // a late client still counts while the round waits
    run.tick();
    assertThat(run.status().round()).as("quorum reached after the deadline: aggregated at once").isEqualTo(1);

    clock.advance(Duration.ofSeconds(300));
    run.tick();
    assertThat(run.status().state()).isEqualTo(RunState.FAILED);
    assertThat(run.status().message()).contains("round 2 had 0 of the 2 updates").contains("FL_MAX_ROUND_WAIT");
  }

  @Test
  void aRestartedClientLearnsWhatItAlreadySent() throws Exception {
    RunCoordinator run = run(2, 2);
    run.submitUpdate(1, update("c0", 10, 1f));
    GlobalModel forC0 = run.awaitModel(-1, Duration.ZERO, "c0").join();
    GlobalModel forC1 = run.awaitModel(-1, Duration.ZERO, "c1").join();
    assertThat(forC0.submitted()).isTrue();
    assertThat(forC1.submitted()).isFalse();
    run.submitUpdate(1, update("c1", 10, 1f));
    run.submitEvaluation(1, TestRuns.evaluation("c0"));
    assertThat(run.awaitModel(0, Duration.ZERO, "c0").join().evaluated()).isTrue();
    assertThat(run.awaitModel(0, Duration.ZERO, "c1").join().evaluated()).isFalse();
    assertThat(run.awaitModel(0, Duration.ZERO, "c0").join().submitted()).isFalse();
  }

  @Test
  void weightsWithAnAbsurdNormAreRefused() {
    RunCoordinator run = run(1, 1);
    int[] shape = TestRuns.SIZES.toArray();
    assertThatThrownBy(() -> run.submitUpdate(1, new ClientUpdate("c0", 10, shape,
        new float[] {1000, 0, 0, 0, 0, 0}, 0, 0))).hasMessageContaining("L2 norm 1000 is above the bound 100");
    run.submitUpdate(1, new ClientUpdate("c0", 10, shape, new float[] {60, 0, 0, 80, 0, 0}, 0, 0)); // norm 100
    assertThat(run.status().round()).isEqualTo(1);
  }

  @Test
  void badRulesAreRefused() {
    assertThatThrownBy(() -> new RunRules(1, 4, 5, Duration.ofSeconds(1), Duration.ofSeconds(1), 1))
        .hasMessageContaining("quorum (FL_MIN_CLIENTS) must be between 1 and the 4");
    assertThatThrownBy(() -> new RunRules(1, 4, 4, Duration.ZERO, Duration.ofSeconds(1), 1))
        .hasMessageContaining("FL_ROUND_TIMEOUT");
    assertThatThrownBy(() -> new RunRules(1, 4, 4, Duration.ofSeconds(5), Duration.ofSeconds(1), 1))
        .hasMessageContaining("FL_MAX_ROUND_WAIT");
  }
}
