package dev.fedlearn.aggregator.run;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.aggregator.tls.TlsProperties;
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
