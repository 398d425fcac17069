package dev.fedlearn.aggregator.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who made a request, once authenticated: a client (by its token or its certificate), which may also read the run,
 * or a reader (the read token), which may only read.
 */
public final class Caller extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;
  /** May act as its client: register, poll the model, send updates, scores and secure aggregation steps. */
  public static final String CLIENT = "CLIENT";
  /** May read the run: status, rounds, events, workbook, metrics, the dashboard. */
  public static final String READER = "READER";

  private final String clientId; // null for a reader

  private Caller(String clientId, List<GrantedAuthority> authorities) {
    super(authorities);
    this.clientId = clientId;
    setAuthenticated(true);
  }

  /** A client, which may also read. */
  static Caller client(String clientId) {
    return new Caller(clientId, List.of(new SimpleGrantedAuthority(CLIENT), new SimpleGrantedAuthority(READER)));
  }

  /** The holder of the read token. */
  static Caller reader() {
    return new Caller(null, List.of(new SimpleGrantedAuthority(READER)));
  }

  /** The client this caller is, or null for a reader. */
  public String clientId() {
    return clientId;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return clientId == null ? "reader" : clientId;
  }
}
