package dev.fedlearn.client;

import dev.fedlearn.architecture.ServiceArchitecture;
import java.util.List;

/**
 * The client's packages, checked on its compiled main classes (docs/design.md, "Layers"): the worker (the domain)
 * speaks no HTTP, knows no Spring and uses none of the packages built around it (the transport to the aggregator
 * implements the worker's {@code AggregatorClient}); the status API reads the worker, never the transport or the
 * shard; no cycles between the packages. A rule that fails names the rule, why it holds, and each class, member and
 * line that breaks it.
 */
class ArchitectureTest extends ServiceArchitecture {
  /** The application and its settings ({@code ClientProperties}, {@code WireFormat}), which every package reads. */
  private static final String SERVICE = "dev.fedlearn.client";
  /** The domain: the federated loop, its retries, secure submission, the plan's floors, the client's status. */
  private static final String WORKER = SERVICE + ".worker";
  /** The HTTP transport: the aggregator's API over Spring's RestClient, the client's token. */
  private static final String TRANSPORT = SERVICE + ".aggregator";
  /** The HTTP API: {@code GET /api/v1/status}. */
  private static final String STATUS = SERVICE + ".status";
  /** The local shard and its train/test split. */
  private static final String DATA = SERVICE + ".data";
  /** Spring's wiring: the worker's beans, its start and stop, the status's tracker. */
  private static final String CONFIG = SERVICE + ".config";
  private static final String METRICS = SERVICE + ".metrics";

  private static final List<String> PACKAGES = List.of(SERVICE, WORKER, TRANSPORT, STATUS, DATA, CONFIG, METRICS);


  private static final List<Rule> RULES = List.of(
      new Rule("the domain (worker) speaks no HTTP and knows no Spring", WORKER,
          HTTP_AND_SPRING,
          "the worker is plain Java on shared-model: HTTP (the transport's RestClient and the JDK's HttpClient),"
              + " servlets and Spring belong to the packages around it, so the worker is tested with a fake"
              + " aggregator and reasoned about without them"),
      new Rule("the domain (worker) uses none of the service's other packages but the settings and the shard",
          WORKER, List.of(TRANSPORT, STATUS, CONFIG, METRICS),
          "the transport, the status API, the wiring and the metrics are built around the worker (the transport"
              + " implements its AggregatorClient, the API and the metrics read its StatusTracker), never the other"
              + " way"),
      new Rule("the API (status) uses the domain, never the transport or the shard", STATUS, List.of(TRANSPORT, DATA),
          "the status endpoint shows what the worker recorded; it calls no aggregator and reads no data"));

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
