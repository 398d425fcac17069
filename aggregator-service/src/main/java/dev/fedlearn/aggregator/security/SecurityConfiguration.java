package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.aggregator.tls.TlsProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.SingleResultAuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Who may call what, on Spring Security. Callers authenticate with a bearer token (a client's, or the read token) or a
 * verified client certificate ({@link CredentialsConverter}, {@link TokenAuthenticationProvider},
 * {@link CertificateAuthenticationProvider}). Every path is denied unless a rule below names it:
 * <ul>
 *   <li>a client's calls (registering, polling the model, updates, scores, the steps of secure aggregation) need a
 *       client's token or certificate when tokens are configured or certificates are asked for; the controllers then
 *       let a client act only as itself ({@link ClientIdentity});
 *   <li>reads (the API's status, rounds, events and workbook, the metrics and other actuator endpoints, the
 *       dashboard's page) need the read token, a client's token or certificate when a read token is set;
 *   <li>the health check, the dashboard's scripts and styles and the API's documentation are open.
 * </ul>
 * The firewall ({@link PathFirewall}) refuses any path that is not in normal form before any rule is looked at, so no
 * other spelling of a path reaches a handler past its rule.
 */
@Configuration
@EnableWebSecurity
class SecurityConfiguration {
  /** The calls only a client makes. */
  static final RequestMatcher CLIENT_CALLS = new OrRequestMatcher(
      PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/api/v1/model"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/clients"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/rounds/*/updates"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/rounds/*/evaluations"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/rounds/*/personalized"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/cross-site/models"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/api/v1/cross-site/models"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/cross-site/scores"),
      PathPatternRequestMatcher.pathPattern("/api/v1/rounds/*/secagg"),
      PathPatternRequestMatcher.pathPattern("/api/v1/rounds/*/secagg/**"));
  /** Submitting and stopping runs, asking for a cross-site evaluation. */
  static final RequestMatcher ADMIN_CALLS = new OrRequestMatcher(
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/runs"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/cross-site"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/runs/*/stop"));
  /** The dashboard's page (its scripts and styles hold no data of the run). */
  static final RequestMatcher DASHBOARD = new OrRequestMatcher(
      PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/"),
      PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/index.html"));

  @Bean
  SecurityFilterChain api(HttpSecurity http, ClientTokens tokens, TlsProperties tls, Refusals refusals,
      AggregatorProperties properties) throws Exception {
    boolean certificates = tls.clientAuth() != TlsProperties.ClientAuth.NONE;
    AuthorizationManager<RequestAuthorizationContext> client = !tokens.open() || certificates
        ? AuthorityAuthorizationManager.hasAuthority(Caller.CLIENT) : SingleResultAuthorizationManager.permitAll();
    AuthorizationManager<RequestAuthorizationContext> read = tokens.readProtected()
        ? AuthorityAuthorizationManager.hasAuthority(Caller.READER) : SingleResultAuthorizationManager.permitAll();
    // Submitting and stopping: with the admin token; without one, nobody once anything is protected, else anybody.
    boolean guarded = !tokens.open() || certificates || tokens.readProtected();
    AuthorizationManager<RequestAuthorizationContext> admin = tokens.adminProtected()
        ? AuthorityAuthorizationManager.hasAuthority(Caller.ADMIN) : guarded
            ? (auth, context) -> new org.springframework.security.authorization.AuthorizationDecision(false)
            : SingleResultAuthorizationManager.permitAll();
    AuthenticationFilter authentication = new AuthenticationFilter(
        new ProviderManager(new TokenAuthenticationProvider(tokens), new CertificateAuthenticationProvider()),
        new CredentialsConverter(CLIENT_CALLS));
    authentication.setSuccessHandler((request, response, auth) -> { });
    authentication.setFailureHandler((request, response, e) -> unauthenticated(request, response, e, refusals,
        tokens));
    http
        .csrf(c -> c.disable()) // no cookies, no sessions: credentials travel with every request
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .anonymous(a -> { })
        .addFilterBefore(new RequestLimits(refusals, properties), BasicAuthenticationFilter.class)
        .addFilterAfter(authentication, RequestLimits.class)
        .addFilterAfter(new BlockedAddresses(refusals), AuthenticationFilter.class)
        .exceptionHandling(e -> e
            .authenticationEntryPoint((request, response, ex) -> unauthenticated(request, response, null, refusals,
                tokens))
            .accessDeniedHandler((request, response, ex) -> {
              Problems.write(response, HttpStatus.FORBIDDEN, "Forbidden", ADMIN_CALLS.matches(request)
                  ? adminNeeded(tokens) : "this caller may not " + request.getMethod() + " " + request.getRequestURI());
              refusals.refused(request, 403, "forbidden for this caller");
            }))
        .authorizeHttpRequests(a -> a
            .requestMatchers(CLIENT_CALLS).access(client)
            .requestMatchers(ADMIN_CALLS).access(admin)
            .requestMatchers(HttpMethod.GET, "/api/v1/status", "/api/v1/rounds", "/api/v1/rounds/*",
                "/api/v1/events", "/api/v1/metrics.xlsx", "/api/v1/personalized", "/api/v1/cross-site").access(read)
            .requestMatchers(HttpMethod.GET, "/api/v1/runs", "/api/v1/runs/*", "/api/v1/runs/*/rounds",
                "/api/v1/runs/*/model", "/api/v1/runs/*/events", "/api/v1/runs/*/metrics.xlsx", "/api/v1/sites")
            .access(read)
            .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
            .requestMatchers(HttpMethod.HEAD, "/actuator/health").permitAll()
            .requestMatchers(HttpMethod.GET, "/actuator", "/actuator/**").access(read)
            .requestMatchers(DASHBOARD).access(read)
            .requestMatchers(HttpMethod.GET, "/dashboard.css", "/dashboard.js", "/webjars/**", "/favicon.ico",
                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
            .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll() // the container's own error dispatch only
            .anyRequest().denyAll());
    return http.build();
  }

  private static String adminNeeded(ClientTokens tokens) {
    return tokens.adminProtected() ? "submitting and stopping runs and asking for a cross-site evaluation needs the "
        + "admin token (Authorization: Bearer <FL_ADMIN_TOKEN>)" : "this aggregator takes no runs over the API (nor "
        + "requests for a cross-site evaluation): it has tokens or certificates and no admin token "
        + "(set FL_ADMIN_TOKEN)";
  }

  /** A 401 problem: the reason authentication failed, or what the call needs. */
  private static void unauthenticated(HttpServletRequest request, HttpServletResponse response,
      AuthenticationException failure, Refusals refusals, ClientTokens tokens) throws IOException {
    if (failure != null && refusals.blocked(request.getRemoteAddr())) {
      // a blocked address learns nothing from a guessed token: wrong and right guesses alike are answered 429
      refusals.refused(request, 429, failure.getMessage());
      BlockedAddresses.tooMany(response, refusals);
      return;
    }
    String detail;
    if (failure != null) {
      detail = failure.getMessage();
    } else if (CLIENT_CALLS.matches(request)) {
      detail = "this call needs the client's token (Authorization: Bearer <FL_CLIENT_TOKEN>) or its certificate "
          + "(FL_TLS_CERT)";
    } else if (ADMIN_CALLS.matches(request)) {
      detail = adminNeeded(tokens);
    } else if (DASHBOARD.matches(request)) {
      detail = "the dashboard needs the read token (FL_READ_TOKEN): open /?" + CredentialsConverter.ACCESS_TOKEN
          + "=<FL_READ_TOKEN>";
    } else {
      detail = "this call needs a token: reading the run needs the read token (FL_READ_TOKEN) or a client's token";
    }
    response.setHeader("WWW-Authenticate", "Bearer realm=\"fedlearn\"");
    Problems.write(response, HttpStatus.UNAUTHORIZED, "Unauthenticated", detail);
    refusals.refused(request, 401, detail);
  }

  @Bean
  PathFirewall firewall() {
    return new PathFirewall();
  }

  @Bean
  WebSecurityCustomizer useFirewall(PathFirewall firewall, Refusals refusals) {
    RequestRejectedHandler rejected = (request, response, e) -> {
      Problems.write(response, HttpStatus.BAD_REQUEST, "Path not in normal form", e.getMessage());
      refusals.refused(request, 400, e.getMessage());
    };
    return web -> web.httpFirewall(firewall).requestRejectedHandler(rejected);
  }
}
