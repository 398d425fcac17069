package dev.fedlearn.wire;

/** Where a federated run stands. */
public enum RunState {
  WAITING_FOR_CLIENTS,
  TRAINING,
  COMPLETED,
  FAILED
}
