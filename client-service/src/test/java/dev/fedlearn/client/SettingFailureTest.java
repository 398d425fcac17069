package dev.fedlearn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** A start refused on a setting names it in one line; anything else is not taken for a setting. */
class SettingFailureTest {
  @Test
  void aValueThatDoesNotBindIsNamedByItsVariableAndAnUnreadableShardByItsFile() {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test", Map.of(
        "FL_CLIENT_ID", "c1", "FL_CLIENT_SHARD", "s.csv", "FL_TRAIN_FRACTION", "abc")));
    Throwable bad = catchThrowable(() -> new Binder(ConfigurationPropertySources.get(environment)).bind("fl",
        ClientProperties.class).get());
    assertThat(SettingFailure.reason(bad)).isEqualTo("FL_TRAIN_FRACTION (fl.train-fraction): For input string: "
        + "\"abc\"");
    var shard = new dev.fedlearn.client.data.ShardUnreadableException(java.nio.file.Path.of("x.csv"), "no such file",
        null);
    assertThat(SettingFailure.reason(new RuntimeException(shard))).isEqualTo(shard.getMessage()).contains("x.csv");
    assertThat(SettingFailure.reason(new IllegalStateException("port 8081 is in use"))).isNull();
  }
}
