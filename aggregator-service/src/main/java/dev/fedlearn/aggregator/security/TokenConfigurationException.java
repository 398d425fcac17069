package dev.fedlearn.aggregator.security;

/**
 * The client tokens cannot be used: a malformed entry, a client listed twice in one source, an unreadable or empty
 * {@code FL_CLIENT_TOKENS_FILE}. The message names the source and never contains a secret.
 */
public class TokenConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenConfigurationException(String message) {
    super(message);
  }

  public TokenConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
