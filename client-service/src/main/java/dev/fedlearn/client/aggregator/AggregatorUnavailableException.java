package dev.fedlearn.client.aggregator;

/** The aggregator could not be reached, timed out, or answered with a server error: try again later. */
public class AggregatorUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AggregatorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the aggregator's host refused the connection: nothing listens on its port yet (it is starting) or any
   * more. Such an attempt costs the aggregator nothing, so it may be repeated at once.
   */
  public boolean refused() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpTimeoutException) {
        return false; // a connect timeout wraps a ConnectException: the host may be down or overloaded
      }
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }
}
