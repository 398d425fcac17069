package dev.fedlearn.protocol;

/**
 * The {@code type} of the aggregator's problem details (RFC 9457) that a client acts on: it reads the type, never the
 * text, to decide what to do next. Every other problem has the type {@code about:blank}.
 */
public final class ProblemTypes {
  private ProblemTypes() {}

  /**
   * A secure aggregation session is over (abandoned before any masked input arrived, or replaced by a new one): read
   * the round's session again ({@code GET /rounds/{round}/secagg}) and start again with new keys.
   */
  public static final String SECAGG_START_AGAIN = "urn:fedlearn:problem:secagg-start-again";

  /**
   * This client is out of the round's secure aggregation: it misbehaved in a step (an invalid or repeated key, a
   * malformed message), or the round closed without it. It sits the round out and follows the next one.
   */
  public static final String SECAGG_EXCLUDED = "urn:fedlearn:problem:secagg-excluded";

  /**
   * This client takes no part in the run the aggregator serves: the run names other sites, has all the clients it
   * needs, or is over. It sits the run out and takes part in the next one.
   */
  public static final String NOT_IN_RUN = "urn:fedlearn:problem:not-in-run";

  /**
   * An asynchronous run dropped the change: it was trained on a version more than the maximum staleness behind the
   * newest (or one the aggregator no longer holds). The client fetches the newest version and trains again.
   */
  public static final String TOO_STALE = "urn:fedlearn:problem:too-stale";
}
