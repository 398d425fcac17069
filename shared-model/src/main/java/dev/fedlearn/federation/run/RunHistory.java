package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import java.time.Instant;
import java.util.List;

/**
 * Every run a state folder keeps, oldest first: what the run's listing shows of each, the store of each, the queueing
 * of a new run, and the stopping of a run before its end. The aggregator's store implements it.
 */
public interface RunHistory {
  /**
   * A kept run as stored: its id, its definition as JSON ({@code settings}), whether it was submitted (else the
   * aggregator's environment defined it), its state and message, when it was created, when its round 1 opened (null
   * before), when it ended (null before), its closed rounds, and the global test accuracy of its last closed round and
   * its best round (null before round 1 closed).
   */
  record Entry(int id, String settings, boolean submitted, String state, String message, Instant createdAt,
      Instant startedAt, Instant finishedAt, int roundsDone, Double latestAccuracy, Double bestAccuracy) {}

  /**
   * A site of the federation: a client that registered with one of the kept runs, with its samples as it registered
   * with the latest, when it first and last registered, with how many runs, and the latest.
   */
  record Site(String clientId, int trainSamples, int testSamples, Instant firstRegistered, Instant lastRegistered,
      int runs, int lastRun) {}

  /** Every kept run, oldest first. */
  List<Entry> runs();

  /** Every site that registered with a kept run, in the order they first did. */
  List<Site> sites();

  /** The store of run {@code id}: the run's own rows, or a new run's once it begins. */
  RunStore store(int id);

  /**
   * Keeps a new run of {@code definition}, QUEUED, with the next id (1 for the first), and returns that id; its store
   * begins it later ({@link RunStore#begin}).
   */
  int queue(RunDefinition definition, boolean submitted, Instant now);

  /**
   * Marks run {@code id} STOPPED with {@code reason}, unless it had ended already, and drops the updates its open
   * round had taken (never aggregated, their weights are not kept; were the run resumed, their clients send them
   * again). A queued run is stopped before it starts.
   */
  void stop(int id, String reason, Instant now);

  /** Takes back the stop of run {@code id}: it goes on, TRAINING when its round 1 had opened, else waiting. */
  void resume(int id);
}
