package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.protocol.RunStatus;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The privacy a run with differential privacy spends: each client's rounds counted, the most-exposed client's epsilon
 * reported (no amplification: the picks are public); with secure aggregation, at the noise of the threshold of
 * clients alone. Null for a run without differential privacy ({@link #of}).
 */
final class RunPrivacy {
  private final DifferentialPrivacy.Settings dp;
  private final ParticipationAccountant accountant;

  private RunPrivacy(DifferentialPrivacy.Settings dp, ParticipationAccountant accountant) {
    this.dp = dp;
    this.accountant = accountant;
  }

  /** The privacy accounting of a run of {@code definition} picking {@code picked} clients a round, or null. */
  static RunPrivacy of(RunDefinition definition, int picked) {
    DifferentialPrivacy.Settings dp = definition.privacy();
    if (dp == null) {
      return null;
    }
    if (definition.secureAggregation() != null) {
      dp.requireUnclipped(definition.secureAggregation().bound(), picked);
      return new RunPrivacy(dp, dp.accountantUnderSecureAggregation(picked));
    }
    return new RunPrivacy(dp, dp.accountant());
  }

  /**
   * Counts a closed round: its picked clients (each may have sent its update), or none when it closed with no
   * update.
   */
  void closed(RunLedger.Round round) {
    accountant.record(round.updates.isEmpty() ? List.of() : round.picked);
  }

  /** Counts every round {@code run} had closed when it was read back from its store. */
  void closedBefore(RunLedger run) {
    for (int n = 1; n <= run.completed; n++) {
      closed(run.history.get(n - 1));
    }
  }

  /** The privacy spent after a number of rounds, as the status shows it. */
  IntFunction<RunStatus.Privacy> spent() {
    return rounds -> {
      double epsilon = accountant.spentAfterRound(rounds).epsilon();
      return new RunStatus.Privacy(dp.clip(), dp.noise(), dp.delta(), 1.0, Double.isFinite(epsilon) ? epsilon : null);
    };
  }
}
