package dev.fedlearn.aggregator.run;

/** The store holds a run whose settings differ from the ones the aggregator was started with. */
public class StoredRunMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public StoredRunMismatchException(String message) {
    super(message);
  }
}
