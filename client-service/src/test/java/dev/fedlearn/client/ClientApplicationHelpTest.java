package dev.fedlearn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** {@code java -jar client-service.jar --help} prints how to start it and starts nothing. */
class ClientApplicationHelpTest {
  @Test
  void helpPrintsTheUsageAndStartsNothing() {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      ClientApplication.main(new String[] {"--help"});
    } finally {
      System.setOut(old);
    }
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(ClientApplication.USAGE);
  }
}
