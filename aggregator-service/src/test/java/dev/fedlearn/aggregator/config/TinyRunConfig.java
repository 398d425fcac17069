package dev.fedlearn.aggregator.config;

import dev.fedlearn.aggregator.store.JdbcRuns;
import dev.fedlearn.aggregator.tls.TlsProperties;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.federation.run.TestRuns;
import dev.fedlearn.federation.strategy.FedAvg;
import java.time.Clock;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * For slice tests: the properties, and the runs of a database of their own (H2 in memory) whose environment's run is a
 * tiny one (2 rounds, 2 clients, a 2-2 network); submitted runs are tiny runs too.
 */
@TestConfiguration
@EnableConfigurationProperties({AggregatorProperties.class, TlsProperties.class})
public class TinyRunConfig {
  /** The environment's run is asynchronous when the properties say {@code fl.mode=async}. */
  @Bean
  Runs runs(AggregatorProperties properties) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(ds).load().migrate();
    JdbcRuns history = new JdbcRuns(new JdbcTemplate(ds), new DataSourceTransactionManager(ds));
    return Runs.start(history, TestRuns.definition(RunRules.of(2, 2), new FedAvg(), ClientSampler.ALL, null)
        .withAsynchrony(properties.definition(new dev.fedlearn.federation.RunDefinition.Data("test", 10)).asynchrony()),
        TestRuns.opener(history, Clock.systemUTC()), Clock.systemUTC());
  }
}
