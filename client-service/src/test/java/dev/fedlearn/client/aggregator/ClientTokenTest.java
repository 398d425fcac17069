package dev.fedlearn.client.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Where the client's token comes from, and a token file read again when it changes. */
@ExtendWith(OutputCaptureExtension.class)
class ClientTokenTest {
  @TempDir
  Path dir;

  private static ClientProperties props(String token, Path file) {
    return new ClientProperties("client-1", "shard.csv", "http://localhost:8080", null, 0.7, 1, 30,
        Duration.ofSeconds(5), new ClientProperties.Retry(Duration.ofMillis(500), Duration.ofSeconds(2)), true,
        token, file, WireFormat.BINARY, ClientProperties.Tls.NONE, false, 0, 0, "label", ClientProperties.Personalize.NONE, 1.0);
  }

  @Test
  void theFileWinsAndTheIgnoredVariableIsLoggedOnce(CapturedOutput output) throws Exception {
    Path file = Files.writeString(dir.resolve("t"), "from-file\n");
    ClientToken token = ClientToken.from(props("from-variable", file));
    assertThat(token.get()).isEqualTo("from-file");
    assertThat(token.get()).isEqualTo("from-file");
    assertThat(token.fromFile()).isTrue();
    assertThat(output).containsOnlyOnce("FL_CLIENT_TOKEN is ignored: FL_CLIENT_TOKEN_FILE " + file + " is set");
  }

  @Test
  void withoutAFileTheVariableOrNone() {
    assertThat(ClientToken.from(props(" from-variable ", null)).get()).isEqualTo("from-variable");
    assertThat(ClientToken.from(props(" ", null)).get()).isNull();
    assertThat(ClientToken.from(props(null, null)).fromFile()).isFalse();
  }

  @Test
  void aRotatedFileIsUsedAndAnUnreadableOneKeepsTheLastToken(CapturedOutput output) throws Exception {
    Path file = Files.writeString(dir.resolve("t"), "first\r\n");
    ClientToken token = ClientToken.file(file);
    assertThat(token.get()).isEqualTo("first");
    Files.writeString(file, "second\n");
    assertThat(token.get()).isEqualTo("second");
    assertThat(output).containsOnlyOnce("the token in FL_CLIENT_TOKEN_FILE " + file + " changed");
    Files.delete(file);
    assertThat(token.get()).isEqualTo("second");
    assertThat(token.get()).isEqualTo("second");
    assertThat(output).containsOnlyOnce("cannot read FL_CLIENT_TOKEN_FILE " + file);
  }

  @Test
  void aMissingOrEmptyFileStopsTheStart() throws Exception {
    assertThatThrownBy(() -> ClientToken.file(dir.resolve("none"))).isInstanceOf(ClientTokenException.class)
        .hasMessageContaining("cannot read FL_CLIENT_TOKEN_FILE");
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    assertThatThrownBy(() -> ClientToken.file(empty)).isInstanceOf(ClientTokenException.class)
        .hasMessageContaining("is empty");
  }
}
