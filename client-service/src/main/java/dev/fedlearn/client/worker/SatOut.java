package dev.fedlearn.client.worker;

/**
 * The aggregator took this client into no part of the run it serves ({@link dev.fedlearn.protocol.ProblemTypes#NOT_IN_RUN}:
 * the run names other sites, has its clients, or is over): the client sits the run out and waits for the next.
 */
final class SatOut extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SatOut(String reason) {
    super(reason, null, false, false);
  }
}
