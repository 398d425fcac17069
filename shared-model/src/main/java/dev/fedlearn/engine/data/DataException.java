package dev.fedlearn.engine.data;

import java.io.IOException;

/** A data file that cannot be used: wrong format, wrong checksum, out-of-range values. The message says where. */
public class DataException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
