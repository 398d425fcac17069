package dev.fedlearn.client;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A federated-learning client site: it registers with the aggregator, trains each round's global model on its own
 * shard and sends back only weights, and scores every global model on its local test split.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClientApplication {
  /** What {@code --help} prints: how to start it and where its settings are described. */
  static final String USAGE = """
      Usage: FL_CLIENT_ID=client-1 FL_CLIENT_SHARD=shard.csv java -jar client-service.jar
      A client site of a federated run: it registers with the aggregator at FL_AGGREGATOR_URL
      (http://localhost:8080), trains each round on its shard and sends only weights. Other settings come from the
      environment too (FL_CLIENT_TOKEN, FL_TRAIN_FRACTION, FL_PERSONALIZE_EPOCHS, ...; docs/docker.md, "Client
      settings", lists them all with their defaults).
      """;

  public static void main(String[] args) {
    if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    SettingFailure.reportedByMain = true;
    try {
      SpringApplication.run(ClientApplication.class, args);
    } catch (RuntimeException e) {
      String setting = SettingFailure.reason(e);
      if (setting == null) {
        throw e;
      }
      System.err.println("client not started: " + setting + " (fix the setting and start it again)");
      System.exit(0); // a setting fails every start alike: no restart loop under compose's restart: on-failure
    }
  }
}
