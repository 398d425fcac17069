package dev.fedlearn.aggregator.config;

import dev.fedlearn.aggregator.tls.TlsProperties;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.TestRuns;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** For slice tests: the properties and a real coordinator of a tiny run (2 rounds, 2 clients). */
@TestConfiguration
@EnableConfigurationProperties({AggregatorProperties.class, TlsProperties.class})
public class TinyRunConfig {
  @Bean
  RunCoordinator runCoordinator() {
    return TestRuns.run(2, 2);
  }
}
