package dev.fedlearn.client.worker;

/**
 * The aggregator refused a request (4xx); {@link #detail()} is its problem detail, when it sent one, and
 * {@link #type()} its problem type: what the client acts on (see {@link dev.fedlearn.protocol.ProblemTypes}), never the
 * text.
 */
public class AggregatorRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String detail;
  private final String type;

  /** A refusal without a problem type. */
  public AggregatorRejectedException(int status, String message, String detail) {
    this(status, message, detail, null);
  }

  /** A refusal whose problem has the type {@code type} (null: none, or {@code about:blank}). */
  public AggregatorRejectedException(int status, String message, String detail, String type) {
    super(message);
    this.status = status;
    this.detail = detail;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String detail() {
    return detail;
  }

  /**
   * The problem's {@code type} (RFC 9457), e.g. {@link dev.fedlearn.protocol.ProblemTypes#SECAGG_START_AGAIN}; null when
   * the answer had none or the generic {@code about:blank}.
   */
  public String type() {
    return type;
  }

  /** Whether the problem's type is {@code type}. */
  public boolean is(String type) {
    return this.type != null && this.type.equals(type);
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
