package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The door of the API, before any body is read: a body must say its length and stay under
 * {@code FL_MAX_REQUEST_BYTES} (411, 413); a client's calls need its bearer token when tokens are configured (401),
 * and the authenticated client id is handed to the controller, which refuses a request made in another client's
 * name (403); reads need the read token when one is set. Refusals are problem details.
 */
@Component
public class RequestGuard extends OncePerRequestFilter {
  /** Request attribute holding the authenticated client id. */
  public static final String CLIENT = "fl.client";

  // Looked up when a request arrives, not when the filter is made: the filter is made while the web server
  // starts, and a bad token configuration then failed inside Tomcat's start with an extra long error line;
  // created with the other beans (the controller needs it too), it fails with just the failure analyzer's report.
  private final ObjectProvider<ClientTokens> clientTokens;
  private final long maxBytes;
  /** The metrics scrape: a read like the API's, so it needs the read token when one is set. */
  static final String PROMETHEUS = "/actuator/prometheus";

  public RequestGuard(ObjectProvider<ClientTokens> clientTokens, AggregatorProperties properties) {
    this.clientTokens = clientTokens;
    this.maxBytes = properties.maxRequestBytes();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/") && !request.getRequestURI().equals(PROMETHEUS);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean hasBody = "POST".equals(request.getMethod()) || "PUT".equals(request.getMethod());
    if (hasBody) {
      long length = request.getContentLengthLong();
      if (length < 0) {
        Problems.write(response, HttpStatus.LENGTH_REQUIRED, "Length required",
            "send the body with a Content-Length header");
        return;
      }
      if (length > maxBytes) {
        Problems.write(response, HttpStatus.CONTENT_TOO_LARGE, "Request too large",
            "the body has " + length + " bytes, more than the " + maxBytes + " allowed (FL_MAX_REQUEST_BYTES)");
        return;
      }
    }
    String token = bearer(request);
    ClientTokens tokens = clientTokens.getObject();
    if (clientCall(request)) {
      if (!tokens.open()) {
        Optional<String> client = tokens.client(token);
        if (client.isEmpty()) {
          response.setHeader("WWW-Authenticate", "Bearer realm=\"fedlearn\"");
          Problems.write(response, HttpStatus.UNAUTHORIZED, "Unauthenticated", token == null
              ? "this call needs the client's token: Authorization: Bearer <FL_CLIENT_TOKEN>"
              : "the bearer token is not any client's");
          return;
        }
        request.setAttribute(CLIENT, client.get());
      }
    } else if (!tokens.mayRead(token)) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"fedlearn\"");
      Problems.write(response, HttpStatus.UNAUTHORIZED, "Unauthenticated",
          "reading the run needs the read token (FL_READ_TOKEN) or a client's token");
      return;
    }
    chain.doFilter(request, response);
  }

  /** The calls only a client makes: registering, polling the model, sending updates and scores. */
  static boolean clientCall(HttpServletRequest r) {
    String path = r.getRequestURI();
    return path.equals("/api/v1/model") || "POST".equals(r.getMethod());
  }

  static String bearer(HttpServletRequest r) {
    String h = r.getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = h.substring(7).strip();
    return t.isEmpty() ? null : t;
  }
}
