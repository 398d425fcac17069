package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTokensTest {
  @TempDir
  Path tmp;

  static AggregatorProperties props(String tokens, Path file, String read) {
    return new AggregatorProperties(10, 4, 50, 1, null, 0.9f, null, 42, "default", "784,20,15,10", Path.of("data"),
        Duration.ofSeconds(60), 2, Path.of("state"), 0, Duration.ofMinutes(10), Duration.ofMinutes(60), 1e4,
        4_000_000, tokens, file, read);
  }

  @Test
  void tokensFromTheEnvironmentAndAFileMapToTheirClients() throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), "client-3:three\nclient-4:four\n");
    ClientTokens t = new ClientTokens(props("client-1:one, client-2:two", file, null));
    assertThat(t.open()).isFalse();
    assertThat(t.mode()).isEqualTo("tokens");
    assertThat(t.client("one")).contains("client-1");
    assertThat(t.client("four")).contains("client-4");
    assertThat(t.client("five")).isEmpty();
    assertThat(t.client(null)).isEmpty();
    assertThat(t.readProtected()).isFalse();
    assertThat(t.mayRead(null)).isTrue();
  }

  @Test
  void onlyHashesAreKept() throws Exception {
    ClientTokens t = new ClientTokens(props("client-1:a-long-secret-value", null, null));
    for (var f : ClientTokens.class.getDeclaredFields()) {
      f.setAccessible(true);
      assertThat(String.valueOf(f.get(t))).doesNotContain("a-long-secret-value");
    }
  }

  @Test
  void noTokensMeansOpenAndAReadTokenGuardsReads() {
    ClientTokens open = new ClientTokens(props(null, null, null));
    assertThat(open.open()).isTrue();
    assertThat(open.mode()).isEqualTo("open");
    ClientTokens guarded = new ClientTokens(props("client-1:one", null, "reader"));
    assertThat(guarded.mayRead(null)).isFalse();
    assertThat(guarded.mayRead("reader")).isTrue();
    assertThat(guarded.mayRead("one")).isTrue();
    assertThat(guarded.mayRead("other")).isFalse();
  }

  @Test
  void badEntriesAreRefusedWithoutEchoingTheSecret() {
    assertThatThrownBy(() -> new ClientTokens(props("client-1", null, null))).hasMessageContaining("client-id:secret");
    assertThatThrownBy(() -> new ClientTokens(props("client-1:x,client-1:y", null, null)))
        .hasMessageContaining("client-1 has two tokens");
    assertThatThrownBy(() -> new ClientTokens(props("client-1:", null, null))).hasMessageContaining("client-id:secret")
        .hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> new ClientTokens(props(null, tmp.resolve("none"), null)))
        .hasMessageContaining("FL_CLIENT_TOKENS_FILE");
  }
}
