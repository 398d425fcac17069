package dev.fedlearn.aggregator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OutputCaptureExtension.class)
class ClientTokensTest {
  @TempDir
  Path tmp;

  static AggregatorProperties props(String tokens, Path file, String read) {
    return new AggregatorProperties(10, 4, 50, 1, null, 0.9f, null, 42, "default", "784,20,15,10", null, null, Path.of("data"),
        Duration.ofSeconds(60), 2, Path.of("state"), 0, Duration.ofMinutes(10), Duration.ofMinutes(60), 1e4,
        4_000_000, 60_000, 60, tokens, file, read, null, "fedavg", null, 1.0, 1, null, 1.0, 1e-5, false, 16f, Duration.ofSeconds(30), null,
        "mnist", "sync", null, 10, 1.0, false);
  }

  @Test
  void tokensFromTheVariableMapToTheirClients() {
    ClientTokens t = new ClientTokens(props("client-1:one, client-2:two", null, null));
    assertThat(t.open()).isFalse();
    assertThat(t.mode()).isEqualTo("tokens");
    assertThat(t.client("one")).contains("client-1");
    assertThat(t.client("two")).contains("client-2");
    assertThat(t.client("five")).isEmpty();
    assertThat(t.client(null)).isEmpty();
    assertThat(t.readProtected()).isFalse();
    assertThat(t.isReadToken(null)).isFalse();
  }

  @Test
  void aTokenFileWinsOverTheVariableWhichIsIgnoredWithALogLine(CapturedOutput output) throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), "client-1:file-one\nclient-2:file-two\n");
    // the same client in both sources: the file's token is the only one, no "two tokens" failure
    ClientTokens t = new ClientTokens(props("client-1:env-one,client-3:env-three", file, null));
    assertThat(t.client("file-one")).contains("client-1");
    assertThat(t.client("file-two")).contains("client-2");
    assertThat(t.client("env-one")).isEmpty();
    assertThat(t.client("env-three")).isEmpty();
    assertThat(output).containsOnlyOnce("FL_CLIENT_TOKENS is ignored: FL_CLIENT_TOKENS_FILE " + file + " is set");
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
    assertThat(guarded.isReadToken(null)).isFalse();
    assertThat(guarded.isReadToken("reader")).isTrue();
    assertThat(guarded.isReadToken("one")).isFalse();
    assertThat(guarded.isReadToken("other")).isFalse();
  }

  @Test
  void badEntriesAreRefusedWithoutEchoingTheSecret() throws Exception {
    assertThatThrownBy(() -> new ClientTokens(props("client-1", null, null)))
        .isInstanceOf(TokenConfigurationException.class).hasMessageContaining("client-id:secret");
    assertThatThrownBy(() -> new ClientTokens(props("client-1:x,client-1:y", null, null)))
        .isInstanceOf(TokenConfigurationException.class)
        .hasMessage("FL_CLIENT_TOKENS: client client-1 has two tokens");
    assertThatThrownBy(() -> new ClientTokens(props("client-1:", null, null))).hasMessageContaining("client-id:secret")
        .hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> new ClientTokens(props("client-1:a, client-2: ", null, null)))
        .isInstanceOf(TokenConfigurationException.class).hasMessageContaining("'client-2:***'");
    assertThatThrownBy(() -> new ClientTokens(props(":secret-value", null, null)))
        .hasMessageContaining("client-id:secret").hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> new ClientTokens(props(null, tmp.resolve("none"), null)))
        .isInstanceOf(TokenConfigurationException.class).hasMessageContaining("FL_CLIENT_TOKENS_FILE");
    Path twice = Files.writeString(tmp.resolve("twice"), "client-1:x\nclient-1:y\n");
    assertThatThrownBy(() -> new ClientTokens(props(null, twice, null)))
        .isInstanceOf(TokenConfigurationException.class)
        .hasMessage("FL_CLIENT_TOKENS_FILE " + twice + ": client client-1 has two tokens");
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertThatThrownBy(() -> new ClientTokens(props(null, empty, null)))
        .isInstanceOf(TokenConfigurationException.class).hasMessageContaining("holds no client tokens");
  }

  @Test
  void aChangedTokenFileIsReloadedAtMostOnceASecond(CapturedOutput output) throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), "client-1:old-one\nclient-2:old-two\n");
    AtomicLong now = new AtomicLong();
    ClientTokens t = new ClientTokens(props(null, file, null), now::get);
    assertThat(t.client("old-one")).contains("client-1");

    rewriteInPlace(file, "client-1:new-one-rotated\nclient-2:new-two-rotated\nclient-3:three\n");
    now.addAndGet(ClientTokens.CHECK_EVERY_NANOS - 1); // not yet a second since the last look
    assertThat(t.client("old-one")).contains("client-1");
    assertThat(t.client("new-one-rotated")).isEmpty();

    now.addAndGet(1);
    assertThat(t.client("new-one-rotated")).contains("client-1");
    assertThat(t.client("new-two-rotated")).contains("client-2");
    assertThat(t.client("three")).contains("client-3");
    assertThat(t.client("old-one")).isEmpty();
    assertThat(t.client("old-two")).isEmpty();
    assertThat(output).containsOnlyOnce("client tokens reloaded: 3 clients");
  }

  @Test
  void aMalformedNewFileKeepsTheOldTokensAndIsLogged(CapturedOutput output) throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), "client-1:old-one\nclient-2:old-two\n");
    AtomicLong now = new AtomicLong();
    ClientTokens t = new ClientTokens(props(null, file, null), now::get);

    rewriteInPlace(file, "client-1:new-one\nclient-2\n");
    now.addAndGet(ClientTokens.CHECK_EVERY_NANOS);
    assertThat(t.client("old-one")).contains("client-1");
    assertThat(t.client("old-two")).contains("client-2");
    assertThat(t.client("new-one")).isEmpty();
    assertThat(output).containsOnlyOnce("FL_CLIENT_TOKENS_FILE " + file
        + ": a client token entry must read client-id:secret, got 'client-2'; keeping the 2 client tokens loaded "
        + "before").doesNotContain("client tokens reloaded");

    rewriteInPlace(file, ""); // emptied: still the old tokens, never open
    now.addAndGet(ClientTokens.CHECK_EVERY_NANOS);
    assertThat(t.open()).isFalse();
    assertThat(t.client("old-two")).contains("client-2");
    assertThat(output).contains("holds no client tokens; keeping the 2 client tokens loaded before");

    rewriteInPlace(file, "client-1:fixed-one\nclient-2:fixed-two\n"); // repaired: taken
    now.addAndGet(ClientTokens.CHECK_EVERY_NANOS);
    assertThat(t.client("fixed-two")).contains("client-2");
    assertThat(t.client("old-two")).isEmpty();
    assertThat(output).containsOnlyOnce("client tokens reloaded: 2 clients");
  }

  /** Truncates and writes the file, keeping its inode, as a bind-mounted Docker secret must be rewritten. */
  private static void rewriteInPlace(Path file, String content) throws Exception {
    Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
  }
}
