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

  @Test
  void theAsynchronousModesVariablesBindAndWhatItCannotTakeStopsTheStart() {
    AggregatorProperties p = bind(Map.of("FL_MODE", "async", "FL_BUFFER_SIZE", "", "FL_MAX_STALENESS", "3",
        "FL_SERVER_LEARNING_RATE", "0.5"));
    assertThat(p.definition(new dev.fedlearn.federation.RunDefinition.Data("mnist", 10)).asynchrony())
        .as("an empty FL_BUFFER_SIZE, as compose passes it, is half the 4 clients")
        .isEqualTo(new dev.fedlearn.federation.RunDefinition.Asynchrony(2, 3, 0.5));
    assertThat(bind(Map.of("FL_ROUNDS", "10")).definition(new dev.fedlearn.federation.RunDefinition.Data("mnist", 10)).asynchrony())
        .isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> bind(Map.of("FL_MODE", "asynk")))
        .hasStackTraceContaining("FL_MODE (fl.mode) must be sync or async, got 'asynk'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> bind(Map.of("FL_MODE", "async", "FL_STRATEGY", "krum")))
        .hasStackTraceContaining("FL_MODE=async: asynchronous aggregation makes each version");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> bind(Map.of("FL_MODE", "async",
        "FL_SECURE_AGGREGATION", "true"))).hasStackTraceContaining("secure aggregation unmasks only the sum");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> bind(Map.of("FL_MODE", "async", "FL_BUFFER_SIZE", "9")))
        .hasStackTraceContaining("between 1 and the run's 4 clients, got 9");
  }
}
