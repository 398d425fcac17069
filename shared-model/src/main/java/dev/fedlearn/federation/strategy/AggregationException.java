package dev.fedlearn.federation.strategy;

/** A round's results cannot be aggregated; the message says which client and why. No model is produced. */
public class AggregationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public AggregationException(String message) {
    super(message);
  }
}
