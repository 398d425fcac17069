package dev.fedlearn.client.aggregator;

/** This client's token cannot be used: its file is unreadable or empty. The message never contains the token. */
public class ClientTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClientTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
