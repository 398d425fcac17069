package dev.fedlearn.federation.run;

import java.time.Instant;
import java.util.List;

/**
 * Every run a state folder keeps, oldest first: what the run's listing shows of each, the store of each, and the
 * stopping of a run that another replaced before its end. The aggregator's store implements it.
 */
public interface RunHistory {
  /**
   * A kept run as stored: its id, its definition as JSON ({@code settings}), its state and message, when it was
   * created, when its round 1 opened (null before), when it ended (null before), its closed rounds, and the global
   * test accuracy of its last closed round and its best round (null before round 1 closed).
   */
  record Entry(int id, String settings, String state, String message, Instant createdAt, Instant startedAt,
      Instant finishedAt, int roundsDone, Double latestAccuracy, Double bestAccuracy) {}

  /** Every kept run, oldest first. */
  List<Entry> runs();

  /** The store of run {@code id}: the run's own rows, or a new run's once it begins. */
  RunStore store(int id);

  /**
   * Marks run {@code id} STOPPED with {@code reason}, unless it had ended already, and drops the updates its open
   * round had taken (never aggregated, their weights are not kept; were the run resumed, their clients send them
   * again).
   */
  void stop(int id, String reason, Instant now);

  /** Takes back the stop of run {@code id}: it goes on, TRAINING when its round 1 had opened, else waiting. */
  void resume(int id);
}
