package dev.fedlearn.aggregator.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * What a request presents, before it is checked: a bearer token, the client id its verified client certificate names,
 * or both. {@link TokenAuthenticationProvider} checks a token (and that it agrees with a certificate);
 * {@link CertificateAuthenticationProvider} takes a certificate alone.
 */
sealed abstract class Credentials extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;

  private Credentials() {
    super(List.of());
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  /** A bearer token, and the client a certificate names on the same request, or null. */
  static final class Token extends Credentials {
    private static final long serialVersionUID = 1L;
    final transient String token;
    final String certified;

    Token(String token, String certified) {
      this.token = token;
      this.certified = certified;
    }

    @Override
    public Object getPrincipal() {
      return certified == null ? "bearer token" : certified;
    }
  }

  /** A verified client certificate naming {@code clientId} and no token. */
  static final class Certificate extends Credentials {
    private static final long serialVersionUID = 1L;
    final String clientId;

    Certificate(String clientId) {
      this.clientId = clientId;
    }

    @Override
    public Object getPrincipal() {
      return clientId;
    }
  }
}
