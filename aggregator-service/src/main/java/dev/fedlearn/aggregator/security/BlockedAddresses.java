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
 * After authentication: a request from an address refused too often this minute is answered 429 without further work,
 * unless its caller had authenticated from that address before the block ({@link Refusals#mayPass}).
 */
final class BlockedAddresses extends OncePerRequestFilter {
  private final Refusals refusals;

  BlockedAddresses(Refusals refusals) {
    this.refusals = refusals;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String caller = SecurityContextHolder.getContext().getAuthentication() instanceof Caller c
        ? c.getPrincipal().toString() : null;
    if (!refusals.mayPass(request.getRemoteAddr(), caller)) {
      tooMany(response, refusals);
      return;
    }
    chain.doFilter(request, response);
  }

  /** The 429 answer to a blocked address. */
  static void tooMany(HttpServletResponse response, Refusals refusals) throws IOException {
    response.setHeader("Retry-After", Long.toString(Refusals.WINDOW.toSeconds()));
    Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "Too many refused requests", "requests from this address "
        + "were refused more than " + refusals.limit() + " times within " + Refusals.WINDOW.toSeconds() + " s; try "
        + "again later");
  }
}
