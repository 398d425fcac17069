package dev.fedlearn.aggregator.run;

import org.springframework.http.HttpStatus;

/** A request the run refuses; mapped to an RFC 9457 problem detail with this status, title and message. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final HttpStatus status;
  private final String title;

  public ApiException(HttpStatus status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail);
  }

  static ApiException notFound(String title, String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, title, detail);
  }

  static ApiException conflict(String title, String detail) {
    return new ApiException(HttpStatus.CONFLICT, title, detail);
  }
}
