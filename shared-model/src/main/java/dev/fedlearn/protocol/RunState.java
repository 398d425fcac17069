package dev.fedlearn.protocol;

/** Where a federated run stands. */
public enum RunState {
  WAITING_FOR_CLIENTS,
  TRAINING,
  COMPLETED,
  FAILED,
  /** Ended before its last round: the aggregator was started with other settings, which made a new run. */
  STOPPED
}
