package dev.fedlearn.aggregator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The aggregator: coordinates the rounds of a federated run over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AggregatorApplication {
  /** What {@code --help} prints: how to start it and where its settings are described. */
  static final String USAGE = """
      Usage: java -jar aggregator-service.jar
      The aggregator of a federated run: it serves the run's API and dashboard on SERVER_PORT (8080) and waits for
      its clients. Settings come from the environment (FL_ROUNDS, FL_CLIENTS, FL_STRATEGY, FL_STATE_DIR, ...;
      docs/docker.md, "Aggregator settings", lists them all with their defaults); the API is at /v3/api-docs once it
      runs.
      """;

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    SettingFailure.reportedByMain = true;
    try {
      SpringApplication.run(AggregatorApplication.class, args);
    } catch (RuntimeException e) {
      String setting = SettingFailure.reason(e);
      if (setting == null) {
        throw e;
      }
      System.err.println("aggregator not started: " + setting + " (fix the setting and start it again)");
      System.exit(0); // a setting fails every start alike: no restart loop under compose's restart: on-failure
    }
  }
}
