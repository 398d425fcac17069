package dev.fedlearn.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A start refused on a setting names it in one line; anything else is not taken for a setting. */
class SettingFailureTest {
  @Test
  void aValueThatDoesNotBindOrValidateIsNamedByItsVariable() {
    assertThat(SettingFailure.reason(catchThrowable(() -> EnvironmentNamesTest.bind(Map.of("FL_ROUNDS", "abc")))))
        .isEqualTo("FL_ROUNDS (fl.rounds): For input string: \"abc\"");
    assertThat(SettingFailure.reason(catchThrowable(() -> EnvironmentNamesTest.bind(Map.of("FL_MAX_REQUEST_BYTES",
        "10"))))).isEqualTo("FL_MAX_REQUEST_BYTES must be at least 1024, got 10");
    assertThat(SettingFailure.reason(new IllegalStateException("port 8080 is in use"))).isNull();
  }
}
