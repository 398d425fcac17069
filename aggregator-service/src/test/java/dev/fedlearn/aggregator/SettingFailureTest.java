package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A start refused on a setting names it in one line; anything else is not taken for a setting. */
class SettingFailureTest {
  private static AggregatorProperties bind(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test", variables));
    return new Binder(ConfigurationPropertySources.get(environment)).bind("fl", AggregatorProperties.class).get();
  }

  @Test
  void aValueThatDoesNotBindOrValidateIsNamedByItsVariable() {
    assertThat(SettingFailure.reason(catchThrowable(() -> bind(Map.of("FL_ROUNDS", "abc")))))
        .isEqualTo("FL_ROUNDS (fl.rounds): For input string: \"abc\"");
    assertThat(SettingFailure.reason(catchThrowable(() -> bind(Map.of("FL_MAX_REQUEST_BYTES",
        "10"))))).isEqualTo("FL_MAX_REQUEST_BYTES must be at least 1024, got 10");
    assertThat(SettingFailure.reason(new IllegalStateException("port 8080 is in use"))).isNull();
  }
}
