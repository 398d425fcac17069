package dev.fedlearn.aggregator.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who made a request, once authenticated: a client (by its token or its certificate), which may also read the run,
 * a reader (the read token), which may only read, or the administrator (the admin token), which may also submit and
 * stop runs.
 */
public final class Caller extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;
  /** May act as its client: register, poll the model, send updates, scores and secure aggregation steps. */
  public static final String CLIENT = "CLIENT";
  /** May read the run: status, rounds, events, workbook, metrics, the dashboard. */
  public static final String READER = "READER";
  /** May submit and stop runs. */
  public static final String ADMIN = "ADMIN";

  private final String clientId; // null for a reader or the administrator
  private final String name;

  private Caller(String clientId, String name, List<GrantedAuthority> authorities) {
    super(authorities);
    this.clientId = clientId;
    this.name = name;
    setAuthenticated(true);
  }

  /** A client, which may also read. */
  static Caller client(String clientId) {
    return new Caller(clientId, clientId, List.of(new SimpleGrantedAuthority(CLIENT), new SimpleGrantedAuthority(READER)));
  }

  /** The holder of the read token. */
  static Caller reader() {
    return new Caller(null, "reader", List.of(new SimpleGrantedAuthority(READER)));
  }

  /** The holder of the admin token. */
  static Caller admin() {
    return new Caller(null, "admin", List.of(new SimpleGrantedAuthority(ADMIN), new SimpleGrantedAuthority(READER)));
  }

  /** The client this caller is, or null for a reader or the administrator. */
  public String clientId() {
    return clientId;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return name;
  }
}
