package dev.fedlearn.aggregator;

import dev.fedlearn.architecture.ServiceArchitecture;
import java.util.List;

/**
 * The aggregator's packages, checked on its compiled main classes (docs/design.md, "Layers"): the packages built
 * around the run (shared-model's {@code federation.run}, the domain, which speaks no HTTP and knows no Spring); the
 * API uses the run, never the store; the store knows neither the API nor security; no cycles between the packages. A rule that fails names the rule, why it holds, and each class, member and
 * line that breaks it.
 */
class ArchitectureTest extends ServiceArchitecture {
  private static final String SERVICE = "dev.fedlearn.aggregator";
  /** The HTTP API: controllers, problem details, long-poll admission, health, OpenAPI, the wire formats. */
  private static final String API = SERVICE + ".api";
  /** Persistence: the run's store on JDBC (H2 or PostgreSQL). */
  private static final String STORE = SERVICE + ".store";
  /** Who may call what: tokens, certificates, the firewall, refusals. */
  private static final String SECURITY = SERVICE + ".security";
  /** Spring's wiring: the settings, the run's beans, the round deadlines' schedule, startup failure reports. */
  private static final String CONFIG = SERVICE + ".config";
  private static final String METRICS = SERVICE + ".metrics";
  private static final String TLS = SERVICE + ".tls";

  private static final List<String> PACKAGES = List.of(SERVICE, API, STORE, SECURITY, CONFIG, METRICS, TLS);


  private static final List<Rule> RULES = List.of(
      new Rule("the API uses the domain, never the store", API, List.of(STORE),
          "the controllers go through the run, which alone writes the store, under its lock and after its checks"),
      new Rule("the store knows neither the API nor security", STORE, List.of(API, SECURITY, METRICS, TLS),
          "the store implements the run's RunStore and nothing else: who may call what is decided before the run"));

  @Override
  protected String service() {
    return SERVICE;
  }

  @Override
  protected List<String> packages() {
    return PACKAGES;
  }

  @Override
  protected List<Rule> rules() {
    return RULES;
  }
}
