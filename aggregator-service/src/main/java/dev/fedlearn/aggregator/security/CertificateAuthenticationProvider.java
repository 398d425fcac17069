package dev.fedlearn.aggregator.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;

/**
 * A verified client certificate (mutual TLS, {@code FL_TLS_CLIENT_AUTH}): the servlet container puts the chain in the
 * request only after checking it against {@code FL_TLS_CA}, so the client its subject's common name names is the
 * caller, in place of a token.
 */
final class CertificateAuthenticationProvider implements AuthenticationProvider {
  @Override
  public Authentication authenticate(Authentication authentication) {
    return Caller.client(((Credentials.Certificate) authentication).clientId);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return Credentials.Certificate.class.isAssignableFrom(authentication);
  }
}
