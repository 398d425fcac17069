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

  public static void main(String[] args) {
    SpringApplication.run(ClientApplication.class, args);
  }
}
