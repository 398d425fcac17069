package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.aggregator.run.RunCoordinator;
import dev.fedlearn.aggregator.tls.TlsProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The door of the API, before any body is read: a body must say its length and stay under
 * {@code FL_MAX_REQUEST_BYTES} (411, 413); a client's calls need its bearer token when tokens are configured (401),
 * and the authenticated client id is handed to the controller, which refuses a request made in another client's
 * name (403); a verified client certificate (mutual TLS, {@code FL_TLS_CLIENT_AUTH}) names its client in place of a
 * token; reads (the API's, the metrics scrape and the dashboard's page) need the read token when one is set,
 * in the header or, where a browser cannot send one, as the {@value #ACCESS_TOKEN} query parameter. Refusals are
 * problem details, and the API's are recorded in the run's events.
 */
@Component
public class RequestGuard extends OncePerRequestFilter {
  /** Request attribute holding the authenticated client id. */
  public static final String CLIENT = "fl.client";

  // Looked up when a request arrives, not when the filter is made: the filter is made while the web server
  // starts, and a bad token configuration then failed inside Tomcat's start with an extra long error line;
  // created with the other beans (the controller needs it too), it fails with just the failure analyzer's report.
  private final ObjectProvider<ClientTokens> clientTokens;
  private final ObjectProvider<RunCoordinator> run;
  private final long maxBytes;
  /** Client certificates are asked for: a client's call then needs one, or its token, even with no tokens set. */
  private final boolean certificates;
  /** The metrics scrape: a read like the API's, so it needs the read token when one is set. */
  static final String PROMETHEUS = "/actuator/prometheus";
  /** The dashboard's page (its scripts and styles hold no data of the run and are not guarded). */
  static final java.util.Set<String> DASHBOARD = java.util.Set.of("/", "/index.html");
  /**
   * The query parameter that carries a read token where no header can (RFC 6750, section 2.3): a browser's
   * {@code EventSource} and links to the dashboard and the workbook.
   */
  public static final String ACCESS_TOKEN = "access_token";

  public RequestGuard(ObjectProvider<ClientTokens> clientTokens, ObjectProvider<RunCoordinator> run,
      AggregatorProperties properties, TlsProperties tls) {
    this.certificates = tls.clientAuth() != TlsProperties.ClientAuth.NONE;
    this.clientTokens = clientTokens;
    this.run = run;
    this.maxBytes = properties.maxRequestBytes();
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !path.startsWith("/api/") && !path.equals(PROMETHEUS) && !DASHBOARD.contains(path);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean hasBody = "POST".equals(request.getMethod()) || "PUT".equals(request.getMethod());
    if (hasBody) {
      long length = request.getContentLengthLong();
      if (length < 0) {
        refuse(request, response, HttpStatus.LENGTH_REQUIRED, "Length required",
            "send the body with a Content-Length header");
        return;
      }
      if (length > maxBytes) {
        refuse(request, response, HttpStatus.CONTENT_TOO_LARGE, "Request too large",
            "the body has " + length + " bytes, more than the " + maxBytes + " allowed (FL_MAX_REQUEST_BYTES)");
        return;
      }
    }
    String token = bearer(request);
    ClientTokens tokens = clientTokens.getObject();
    String certified = certifiedClient(request);
    if (clientCall(request)) {
      if (certified != null) {
        Optional<String> byToken = token == null ? Optional.empty() : tokens.client(token);
        if (byToken.isPresent() && !byToken.get().equals(certified)) {
          refuse(request, response, HttpStatus.UNAUTHORIZED, "Unauthenticated", "the bearer token is "
              + byToken.get() + "'s, the client certificate names " + certified);
          return;
        }
        request.setAttribute(CLIENT, certified);
      } else if (!tokens.open() || certificates) {
        Optional<String> client = tokens.client(token);
        if (client.isEmpty()) {
          response.setHeader("WWW-Authenticate", "Bearer realm=\"fedlearn\"");
          refuse(request, response, HttpStatus.UNAUTHORIZED, "Unauthenticated", token == null
              ? (certificates ? "this call needs the client's certificate (FL_TLS_CERT) or its token"
                  : "this call needs the client's token: Authorization: Bearer <FL_CLIENT_TOKEN>")
              : "the bearer token is not any client's");
          return;
        }
        request.setAttribute(CLIENT, client.get());
      }
    } else if (certified == null && !tokens.mayRead(token)) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"fedlearn\"");
      refuse(request, response, HttpStatus.UNAUTHORIZED, "Unauthenticated", DASHBOARD.contains(request.getRequestURI())
          ? "the dashboard needs the read token (FL_READ_TOKEN): open /?" + ACCESS_TOKEN + "=<FL_READ_TOKEN>"
          : "reading the run needs the read token (FL_READ_TOKEN) or a client's token");
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * The client id a verified client certificate names (its subject's common name), or null without one. The servlet
   * container puts the chain in the request only after checking it against {@code FL_TLS_CA}, so the certificate
   * stands in for the client's token.
   */
  static String certifiedClient(HttpServletRequest request) {
    if (!(request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain)
        || chain.length == 0) {
      return null;
    }
    try {
      for (Rdn rdn : new LdapName(chain[0].getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && !rdn.getValue().toString().isBlank()) {
          return rdn.getValue().toString().strip();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  /**
   * The calls only a client makes: registering, polling the model, sending updates and scores, the steps of secure
   * aggregation.
   */
  static boolean clientCall(HttpServletRequest r) {
    String path = r.getRequestURI();
    return path.equals("/api/v1/model") || "POST".equals(r.getMethod()) || path.contains("/secagg");
  }

  /** Writes the refusal and records it in the run's events. */
  private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
      String detail) throws IOException {
    Problems.write(response, status, title, detail);
    recordRefusal(run, request, status.value(), detail);
  }

  /**
   * Records a refused API call (not a page or the metrics scrape) in the run's events, as {@code METHOD path}, in the
   * name of the client it was authenticated as, if any.
   */
  public static void recordRefusal(ObjectProvider<RunCoordinator> run, HttpServletRequest request, int status,
      String reason) {
    RunCoordinator coordinator = run.getIfAvailable();
    if (coordinator != null && request.getRequestURI().startsWith("/api/")) {
      coordinator.events().refused(request.getMethod() + " " + request.getRequestURI(),
          (String) request.getAttribute(CLIENT), status, reason);
    }
  }

  /**
   * The bearer token: from the Authorization header, or for reads (not a client's calls) from the
   * {@value #ACCESS_TOKEN} query parameter.
   */
  static String bearer(HttpServletRequest r) {
    String h = r.getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String query = "GET".equals(r.getMethod()) && !clientCall(r) ? r.getParameter(ACCESS_TOKEN) : null;
      return query == null || query.isBlank() ? null : query.strip();
    }
    String t = h.substring(7).strip();
    return t.isEmpty() ? null : t;
  }
}
