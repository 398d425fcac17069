package dev.fedlearn.client.worker;

/** One-line descriptions of failures for logs and status, without stack traces. */
public final class Reasons {
  private static final int MAX_DEPTH = 4;

  private Reasons() {}

  /**
   * {@code Type: message} of the failure, skipping Spring's wrappers (their messages repeat the request); when an
   * exception has no message of its own (as many network exceptions), its cause is added in brackets, e.g.
   * {@code ConnectException (ClosedChannelException)}.
   */
  public static String describe(Throwable t) {
    Throwable e = t;
    while (e.getCause() != null && e.getCause() != e && e.getClass().getName().startsWith("org.springframework.")) {
      e = e.getCause();
    }
    return render(e, 0);
  }

  private static String render(Throwable e, int depth) {
    String type = e.getClass().getSimpleName();
    String message = e.getMessage();
    if (message != null && !message.isBlank()) {
      return type + ": " + message;
    }
    Throwable cause = e.getCause();
    return cause == null || cause == e || depth >= MAX_DEPTH ? type : type + " (" + render(cause, depth + 1) + ")";
  }
}
