package dev.fedlearn.aggregator.security;

import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/**
 * Bearer tokens: a client's token makes its client the caller, the read token a reader; any other token is refused.
 * With a verified client certificate on the same request, the token must be the same client's.
 */
final class TokenAuthenticationProvider implements AuthenticationProvider {
  private final ClientTokens tokens;

  TokenAuthenticationProvider(ClientTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    Credentials.Token t = (Credentials.Token) authentication;
    if (tokens.isAdminToken(t.token)) {
      return Caller.admin(); // the administrator's tool may present a client certificate too
    }
    Optional<String> client = tokens.client(t.token);
    if (t.certified != null) {
      if (client.isPresent() && !client.get().equals(t.certified)) {
        throw new BadCredentialsException("the bearer token is " + client.get() + "'s, the client certificate names "
            + t.certified);
      }
      return Caller.client(t.certified);
    }
    if (client.isPresent()) {
      return Caller.client(client.get());
    }
    if (tokens.isReadToken(t.token)) {
      return Caller.reader();
    }
    throw new BadCredentialsException("the bearer token is not any client's" + (tokens.readProtected()
        ? " nor the read token" : ""));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return Credentials.Token.class.isAssignableFrom(authentication);
  }
}
