package dev.fedlearn.client.worker;

/** What the client's worker is doing. */
public enum ClientState {
  /** The application is starting; the worker has not begun. */
  STARTING,
  /** Registering with the aggregator (retrying while it is unreachable). */
  REGISTERING,
  /** Waiting for the run to start or for the next global model. */
  WAITING,
  /** Training a round locally or sending its update. */
  TRAINING,
  /** Scoring a global model on the local test split or sending the score. */
  EVALUATING,
  /** The run completed; the client stays up but does nothing more. */
  DONE,
  /** The aggregator reported the run failed; the client stays up but does nothing more. */
  ERROR,
  /**
   * The client refused the run's plan: it offers less privacy than one of this client's floors
   * ({@code FL_REQUIRE_SECURE_AGGREGATION}, {@code FL_MIN_SECAGG_THRESHOLD}, {@code FL_MIN_DP_NOISE}) or would
   * truncate its noise; the status's {@code lastError} says which. The client sends nothing more for the run; it
   * stays up but does nothing more.
   */
  REFUSED
}
