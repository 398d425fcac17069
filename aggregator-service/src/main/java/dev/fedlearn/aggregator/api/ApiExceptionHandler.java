package dev.fedlearn.aggregator.api;

import dev.fedlearn.federation.run.EventJournal;
import dev.fedlearn.aggregator.security.Refusals;
import dev.fedlearn.protocol.Refusal;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem detail: the run's refusals ({@link Refusal}, each kind its status) and, through
 * the base class, Spring MVC's (malformed JSON, wrong types, unknown paths, wrong methods). Each refused API call is
 * recorded in the run's events ({@link EventJournal#refused}).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
  private final Refusals refusals;

  ApiExceptionHandler(Refusals refusals) {
    this.refusals = refusals;
  }

  @ExceptionHandler(Refusal.class)
  ResponseEntity<ProblemDetail> refused(Refusal e, HttpServletRequest request) {
    HttpStatus status = switch (e.kind()) {
      case INVALID -> HttpStatus.BAD_REQUEST;
      case UNKNOWN -> HttpStatus.NOT_FOUND;
      case CONFLICT -> HttpStatus.CONFLICT;
      case FORBIDDEN -> HttpStatus.FORBIDDEN;
      case NOT_SERVING -> HttpStatus.SERVICE_UNAVAILABLE;
      case BUSY -> HttpStatus.TOO_MANY_REQUESTS;
    };
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    problem.setTitle(e.title());
    if (e.type() != null) {
      problem.setType(java.net.URI.create(e.type()));
    }
    record(request, status.value(), e.getMessage());
    return ResponseEntity.status(status).body(problem);
  }

  /** A submitted run that cannot be: 400, {@code errors} naming each wrong field ({@code field}, {@code message}). */
  @ExceptionHandler(RunRequest.InvalidRun.class)
  ResponseEntity<ProblemDetail> invalidRun(RunRequest.InvalidRun e, HttpServletRequest request) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    problem.setTitle("Invalid run");
    problem.setProperty("errors", e.errors().entrySet().stream()
        .map(f -> java.util.Map.of("field", f.getKey(), "message", f.getValue())).toList());
    record(request, HttpStatus.BAD_REQUEST.value(), e.getMessage());
    return ResponseEntity.badRequest().body(problem);
  }

  /**
   * Records every refusal Spring MVC answers (malformed bodies, wrong types, unknown paths, wrong methods); a long
   * request that timed out was not refused.
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
      HttpStatusCode statusCode, WebRequest request) {
    if (request instanceof ServletWebRequest web && !(ex instanceof AsyncRequestTimeoutException)) {
      String reason = body instanceof ProblemDetail p && p.getDetail() != null ? p.getDetail() : ex.getMessage();
      record(web.getRequest(), statusCode.value(), reason);
    }
    return super.handleExceptionInternal(ex, body, headers, statusCode, request);
  }

  private void record(HttpServletRequest request, int status, String reason) {
    refusals.refused(request, status, reason);
  }

  /** Says what was wrong with the body (the parser's first line), not only that it could not be read. */
  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    Throwable cause = ex.getMostSpecificCause();
    String why = cause.getMessage() == null ? "unreadable body" : cause.getMessage().lines().findFirst().orElse("");
    if (why.startsWith("Required request body is missing")) {
      why = "the request has no body"; // Spring names the handler method here, which is nobody's business
    }
    why = why.replaceAll("`[^`]*(?:Feature|Constraints)[^`]*`", "the parser's limits"); // no parser internals
    why = why.replaceAll("\\s*\\((for Object starting at|but (might|could) if|set `).*", "").replaceAll("\\bdev\\.fedlearn\\.(?:\\w+\\.)+", "");
    if (why.length() > 300) {
      why = why.substring(0, 300) + "...";
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, why.startsWith("safetensors: ")
        ? "the request body is not a valid update in the safetensors layout: " + why.substring(13)
        : "the request body is not valid JSON for this endpoint: " + why);
    problem.setTitle("Malformed request body");
    return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
  }
}
