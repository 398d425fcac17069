package dev.fedlearn.aggregator.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After authentication: an anonymous request from an address whose anonymous requests were refused too often this
 * minute is answered 429 without further work ({@link Refusals#blocked}). Authenticated callers pass.
 */
final class AnonymousLimit extends OncePerRequestFilter {
  private final Refusals refusals;

  AnonymousLimit(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!(SecurityContextHolder.getContext().getAuthentication() instanceof Caller)
        && refusals.blocked(request.getRemoteAddr())) {
      response.setHeader("Retry-After", Long.toString(Refusals.WINDOW.toSeconds()));
      Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "Too many refused requests", "requests without "
          + "credentials from this address were refused more than " + refusals.limit() + " times within "
          + Refusals.WINDOW.toSeconds() + " s; try again later");
      return;
    }
    chain.doFilter(request, response);
  }
}
