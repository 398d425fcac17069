package dev.fedlearn.aggregator;

import dev.fedlearn.architecture.ServiceArchitecture;
import java.util.List;

/**
 * The aggregator's packages, checked on its compiled main classes (docs/design.md, "Layers"): the run (the domain)
 * speaks no HTTP, knows no Spring and uses none of the packages built around it; the API uses the run, never the
 * store; no cycles between the packages. A rule that fails names the rule, why it holds, and each class, member and
 * line that breaks it.
 */
class ArchitectureTest extends ServiceArchitecture {
  private static final String SERVICE = "dev.fedlearn.aggregator";
  /** The HTTP API: controllers, problem details, long-poll admission, health, OpenAPI, the wire formats. */
  private static final String API = SERVICE + ".api";
  /** The domain: the run's state machine, its rules, events and views, and the interface of its store. */
  private static final String RUN = SERVICE + ".run";
  /** Persistence: the run's store on JDBC (H2 or PostgreSQL). */
  private static final String STORE = SERVICE + ".store";
  /** Who may call what: tokens, certificates, the firewall, refusals. */
  private static final String SECURITY = SERVICE + ".security";
  /** Spring's wiring: the settings, the run's beans, the round deadlines' schedule, startup failure reports. */
  private static final String CONFIG = SERVICE + ".config";
  private static final String METRICS = SERVICE + ".metrics";
  private static final String TLS = SERVICE + ".tls";

  private static final List<String> PACKAGES = List.of(SERVICE, API, RUN, STORE, SECURITY, CONFIG, METRICS, TLS);


  private static final List<Rule> RULES = List.of(
      new Rule("the domain (run) speaks no HTTP and knows no Spring", RUN,
          HTTP_AND_SPRING,
          "the run is plain Java on shared-model: HTTP, servlets and Spring (its web framework, its wiring, its"
              + " scheduling) belong to the packages around it, so the run is tested and reasoned about without them"),
      new Rule("the domain (run) uses none of the service's other packages", RUN,
          List.of(SERVICE, API, STORE, SECURITY, CONFIG, METRICS, TLS),
          "the API, the store, security, the wiring, metrics and TLS are built around the run (the store implements"
              + " its RunStore), never the other way"),
      new Rule("the API uses the domain, never the store", API, List.of(STORE),
          "the controllers go through the run, which alone writes the store, under its lock and after its checks"));

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
