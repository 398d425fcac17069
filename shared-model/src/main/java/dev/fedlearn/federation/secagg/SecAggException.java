package dev.fedlearn.federation.secagg;

/**
 * A secure-aggregation message is wrong or the protocol cannot go on: too few parties, a key that does not match, a
 * share that fails to decrypt or authenticate, a client outside the set it should be in. The message says which
 * client and why, in one sentence.
 */
public final class SecAggException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String culprit;

  public SecAggException(String message) {
    this(message, null);
  }

  /** A message from client {@code culprit} (another party of the session) is wrong. */
  public SecAggException(String message, String culprit) {
    super(message);
    this.culprit = culprit;
  }

  /** The other client whose message is wrong, when it is one client's; null otherwise. */
  public String culprit() {
    return culprit;
  }
}
