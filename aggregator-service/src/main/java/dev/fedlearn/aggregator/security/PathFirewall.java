package dev.fedlearn.aggregator.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's strict firewall (no path parameters {@code ;}, no dot segments, no doubled slashes, no encoded
 * slashes, periods or percent signs, no control characters), and no percent-encoding in the path at all: no path of
 * this API needs it, and an encoded letter ({@code /%61pi/...}) is another spelling of a path that a handler would
 * answer while a rule written for the plain spelling would not see it.
 */
final class PathFirewall extends StrictHttpFirewall {
  @Override
  public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
    String uri = request.getRequestURI();
    if (uri != null && uri.indexOf('%') >= 0) {
      throw new RequestRejectedException("the path " + printable(uri) + " is percent-encoded; send it in plain "
          + "characters");
    }
    try {
      return super.getFirewalledRequest(request);
    } catch (RequestRejectedException e) {
      if (e.getMessage() != null && e.getMessage().contains("HTTP method")) {
        throw new RequestRejectedException("the HTTP method " + printable(request.getMethod()) + " is not one this "
            + "API takes");
      }
      throw new RequestRejectedException("the path " + printable(uri) + " is not in normal form (no ';', '//', "
          + "'/./', '/../', '\\' or encoded characters): " + e.getMessage());
    }
  }

  private static String printable(String uri) {
    String s = uri == null ? "" : uri.replaceAll("[^\\x21-\\x7e]", "?");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
