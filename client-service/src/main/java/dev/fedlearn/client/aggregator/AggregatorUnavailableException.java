package dev.fedlearn.client.aggregator;

/** The aggregator could not be reached, timed out, or answered with a server error: try again later. */
public class AggregatorUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AggregatorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
