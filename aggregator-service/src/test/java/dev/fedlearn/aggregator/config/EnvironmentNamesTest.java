package dev.fedlearn.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The environment variables docs/docker.md documents reach their settings. Spring maps {@code FL_SECAGG_BOUND} to
 * {@code fl.secagg-bound}, so a component named {@code secAggBound} ({@code fl.sec-agg-bound}) silently ignored it:
 * the audit found the documented secure aggregation settings had no effect.
 */
class EnvironmentNamesTest {
  static AggregatorProperties bind(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test", variables));
    return new Binder(ConfigurationPropertySources.get(environment)).bind("fl", AggregatorProperties.class).get();
  }

  @Test
  void theDocumentedVariablesOfSecurityAndSecureAggregationBind() {
    AggregatorProperties p = bind(Map.of("FL_SECURE_AGGREGATION", "true", "FL_SECAGG_BOUND", "20",
        "FL_SECAGG_TIMEOUT", "5s", "FL_MAX_CLIENT_SAMPLES", "1000", "FL_MAX_REFUSALS_PER_MINUTE", "7",
        "FL_MAX_REQUEST_BYTES", "5000", "FL_READ_TOKEN", "r", "FL_CLIENT_TOKENS", "a:b"));
    assertThat(p.secureAggregation()).isTrue();
    assertThat(p.secaggBound()).isEqualTo(20f);
    assertThat(p.secaggTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.maxClientSamples()).isEqualTo(1000);
    assertThat(p.maxRefusalsPerMinute()).isEqualTo(7);
    assertThat(p.maxRequestBytes()).isEqualTo(5000);
    assertThat(p.readToken()).isEqualTo("r");
    assertThat(p.clientTokens()).isEqualTo("a:b");
  }
}
