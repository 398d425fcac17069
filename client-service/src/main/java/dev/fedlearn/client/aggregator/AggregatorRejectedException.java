package dev.fedlearn.client.aggregator;

/** The aggregator refused a request (4xx); {@link #detail()} is its problem detail, when it sent one. */
public class AggregatorRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String detail;

  public AggregatorRejectedException(int status, String message, String detail) {
    super(message);
    this.status = status;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  public String detail() {
    return detail;
  }

  /** 409: the round is not open, or this client already sent it. */
  public boolean isConflict() {
    return status == 409;
  }

  /** 404: unknown client or round (for instance the aggregator restarted). */
  public boolean isNotFound() {
    return status == 404;
  }
}
