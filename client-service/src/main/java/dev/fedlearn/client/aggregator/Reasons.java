package dev.fedlearn.client.aggregator;

/** One-line descriptions of failures for logs and status, without stack traces. */
public final class Reasons {
  private Reasons() {}

  /** The innermost cause as {@code Type: message} (many network exceptions have no message of their own). */
  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String type = root.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
