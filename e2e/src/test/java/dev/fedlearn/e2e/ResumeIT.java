package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The aggregator is killed (SIGKILL) in the middle of a round, after some of the round's updates were accepted, and
 * started again on the same state folder (the default H2 file). The run uses FedAdam, whose server-side moments
 * are kept with each round: the clients reconnect by themselves, the run completes with every round once, and the
 * final model is exactly the one of a run without the crash (the in-process simulation with FedAdam). The scenario and its checks are {@link ResumeScenario}'s; PostgresResumeIT runs it on PostgreSQL.
 */
class ResumeIT {
  static final int ROUNDS = 5;
  static final int EPOCHS = 3;
  static final int KILL_IN_ROUND = 2;
  static final String STRATEGY = "fedadam";
  static final String PARAMS = "eta=0.03";

  @Test
  void aKilledAggregatorResumesTheRunWithoutLosingARound() throws Exception {
    ResumeScenario.Outcome outcome = ResumeScenario.run("resume", ROUNDS, EPOCHS, KILL_IN_ROUND, Map.of(),
        STRATEGY, PARAMS);
    assertThat(outcome.stateDir().resolve("fedlearn.mv.db")).as("the run was kept in the default H2 file").exists();
  }
}
