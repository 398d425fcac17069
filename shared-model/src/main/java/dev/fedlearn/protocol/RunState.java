package dev.fedlearn.protocol;

/** Where a federated run stands. */
public enum RunState {
  WAITING_FOR_CLIENTS,
  TRAINING,
  COMPLETED,
  FAILED
}
