package dev.fedlearn.client.worker;

/** The aggregator could not be reached, timed out, or answered with a server error: try again later. */
public class AggregatorUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean refused;

  /** A failure other than a refused connection: a timeout, a server error, an answer that cannot be read. */
  public AggregatorUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * A failure, {@code refused} when the aggregator's host refused the connection (the transport, which knows its HTTP
   * client's exceptions, tells).
   */
  public AggregatorUnavailableException(String message, Throwable cause, boolean refused) {
    super(message, cause);
    this.refused = refused;
  }

  /**
   * Whether the aggregator's host refused the connection: nothing listens on its port yet (it is starting) or any
   * more. Such an attempt costs the aggregator nothing, so it may be repeated at once.
   */
  public boolean refused() {
    return refused;
  }
}
