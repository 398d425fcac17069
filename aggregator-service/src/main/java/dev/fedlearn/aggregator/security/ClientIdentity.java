package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.tls.TlsProperties;
import dev.fedlearn.protocol.Refusal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The rule that a client acts only as itself, in one place: a caller authenticated as a client may name only that
 * client; a caller that is not a client (a reader, or nobody) may act as a client only when the aggregator runs open
 * (no client tokens, no client certificates asked for), where anyone may act as any client by design.
 */
@Component
public class ClientIdentity {
  private final boolean open;

  public ClientIdentity(ClientTokens tokens, TlsProperties tls) {
    this.open = tokens.open() && tls.clientAuth() == TlsProperties.ClientAuth.NONE;
  }

  /** The client the current request acts as: {@code claimed}, once the caller may act as it. */
  public String actAs(String claimed) {
    String authenticated = authenticatedClient();
    if (authenticated == null) {
      if (!open) {
        throw new Refusal(Refusal.Kind.FORBIDDEN, "Not a client", "only a client's token or certificate may "
            + "act as a client");
      }
      return claimed;
    }
    if (claimed != null && !authenticated.equals(claimed)) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, "Not this client", "the token or certificate belongs to client "
          + authenticated + ", the request is made for " + (claimed.length() <= 100 ? claimed
              : claimed.substring(0, 100) + "..."));
    }
    return authenticated;
  }

  /** The client the caller authenticated as, or null. */
  public static String authenticatedClient() {
    return SecurityContextHolder.getContext().getAuthentication() instanceof Caller c ? c.clientId() : null;
  }
}
