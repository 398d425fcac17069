package dev.fedlearn.aggregator.config;

import dev.fedlearn.aggregator.tls.TlsProperties;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.federation.run.Runs;
import java.time.Instant;
import java.util.List;
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

  /** The tiny run as the only one served, no earlier run kept. */
  @Bean
  Runs runs(RunCoordinator current) {
    return new Runs(new RunHistory() {
      @Override
      public List<Entry> runs() {
        return List.of();
      }

      @Override
      public RunStore store(int id) {
        return RunStore.NONE;
      }

      @Override
      public void stop(int id, String reason, Instant now) {}

      @Override
      public void resume(int id) {}
    }, 1, current);
  }
}
