package dev.fedlearn.aggregator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The aggregator: coordinates the rounds of a federated run over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AggregatorApplication {
  public static void main(String[] args) {
    SpringApplication.run(AggregatorApplication.class, args);
  }
}
