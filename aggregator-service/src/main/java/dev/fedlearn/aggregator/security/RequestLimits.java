package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first door of every path, before authentication and before any body is read: a body must say its length (411)
 * and stay under {@code FL_MAX_REQUEST_BYTES} (413).
 */
final class RequestLimits extends OncePerRequestFilter {
  private final Refusals refusals;
  private final long maxBytes;

  RequestLimits(Refusals refusals, AggregatorProperties properties) {
    this.refusals = refusals;
    this.maxBytes = properties.maxRequestBytes();
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long length = request.getContentLengthLong();
    boolean chunked = request.getHeader("Transfer-Encoding") != null;
    if (chunked || (length < 0 && ("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod())))) {
      refuse(request, response, HttpStatus.LENGTH_REQUIRED, "Length required",
          "send the body with a Content-Length header");
      return;
    }
    if (length > maxBytes) {
      refuse(request, response, HttpStatus.CONTENT_TOO_LARGE, "Request too large",
          "the body has " + length + " bytes, more than the " + maxBytes + " allowed (FL_MAX_REQUEST_BYTES)");
      return;
    }
    chain.doFilter(request, response);
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
      String detail) throws IOException {
    Problems.write(response, status, title, detail);
    refusals.refused(request, status.value(), detail);
  }
}
