package dev.fedlearn.aggregator.security;

import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Reads what a request presents: the bearer token of its {@code Authorization} header (or, for a read that is not a
 * client's call, of the {@value #ACCESS_TOKEN} query parameter, where a browser cannot send a header) and the client
 * its verified certificate names. Null when it presents neither: the request is then anonymous.
 */
final class CredentialsConverter implements AuthenticationConverter {
  /**
   * The query parameter that carries a read token where no header can (RFC 6750, section 2.3): a browser's
   * {@code EventSource} and links to the dashboard and the workbook.
   */
  static final String ACCESS_TOKEN = "access_token";

  private final RequestMatcher clientCalls;

  CredentialsConverter(RequestMatcher clientCalls) {
    this.clientCalls = clientCalls;
  }

  @Override
  public Authentication convert(HttpServletRequest request) {
    String token = bearer(request);
    String certified = certifiedClient(request);
    if (token != null) {
      return new Credentials.Token(token, certified);
    }
    return certified == null ? null : new Credentials.Certificate(certified);
  }

  private String bearer(HttpServletRequest r) {
    String h = r.getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String query = "GET".equals(r.getMethod()) && !clientCalls.matches(r) ? r.getParameter(ACCESS_TOKEN) : null;
      return query == null || query.isBlank() ? null : query.strip();
    }
    String t = h.substring(7).strip();
    return t.isEmpty() ? null : t;
  }

  /** The client id a verified client certificate names (its subject's common name), or null without one. */
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
}
