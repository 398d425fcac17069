package dev.fedlearn.protocol;

/** Where a federated run stands. */
public enum RunState {
  /** Submitted, waiting for the runs before it to end. */
  QUEUED,
  WAITING_FOR_CLIENTS,
  TRAINING,
  COMPLETED,
  FAILED,
  /**
   * Ended before its last round: stopped on request, or replaced (the aggregator was started with other settings,
   * which made a new run).
   */
  STOPPED
}
