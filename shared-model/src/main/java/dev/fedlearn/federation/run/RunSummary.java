package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import java.time.Instant;

/**
 * A run as the listing of runs shows it: its id, its state, whether it is the run the aggregator serves now, whether
 * it was submitted (else the aggregator's environment defined it), its definition (null for one this release cannot
 * read: {@code message} says why), its rounds done of its rounds, the global test accuracy of its last closed round
 * and of its best, and when it was submitted, started (its round 1 opened) and finished.
 */
public record RunSummary(int id, String state, boolean current, boolean submitted, RunDefinition definition,
    int roundsDone, Integer rounds, Double latestAccuracy, Double bestAccuracy, Instant submittedAt, Instant startedAt,
    Instant finishedAt, String message) {

  static RunSummary of(RunHistory.Entry e, boolean current) {
    RunDefinition definition = null;
    String message = e.message();
    try {
      definition = RunDefinition.fromJson(e.settings());
    } catch (IllegalArgumentException unreadable) {
      message = "a run this release cannot read: " + unreadable.getMessage();
    }
    return new RunSummary(e.id(), e.state(), current, e.submitted(), definition, Math.max(0, e.roundsDone()),
        definition == null ? null : definition.rounds(), e.latestAccuracy(), e.bestAccuracy(), e.createdAt(),
        e.startedAt(), e.finishedAt(), message);
  }
}
