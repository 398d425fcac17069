package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelaunchTest {
  static final String W = Relaunch.INCUBATOR_WARNING;

  @Test
  void whenItCannotStartItselfAgainItSaysWhyInOneLineAndRunsHere() {
    for (Optional<String> java : java.util.List.of(Optional.of("/nonexistent/bin/java"), Optional.<String>empty())) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Integer code = Relaunch.withVectorModule(java, Main.class, new String[] {"--version"},
          new PrintStream(err, true, StandardCharsets.UTF_8));
      String said = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as("run here").isNull();
      assertThat(said).as(said).startsWith("fl: cannot restart with --add-modules jdk.incubator.vector (")
          .contains("scalar kernel").endsWith(System.lineSeparator());
      assertThat(said.strip()).doesNotContain("\n");
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Relaunch.withVectorModule(Optional.of("/nonexistent/bin/java"), Main.class, new String[0],
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent/bin/java");
  }

  @Test
  void theIncubatorWarningIsDroppedAndEverythingElsePassesThrough() throws IOException {
    assertThat(filter(W + "\nfl train: x.csv: no such file\n")).isEqualTo("fl train: x.csv: no such file\n");
    assertThat(filter("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\r\n" + W + "\r\nepoch 1/2\r\n"))
        .isEqualTo("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\r\nepoch 1/2\r\n");
    assertThat(filter(W + "\n" + W + "\n")).as("only the first").isEqualTo(W + "\n");
    assertThat(filter(W + " and more\nWARNING: other\n" + W.substring(0, 20) + "\n" + W + "x"))
        .as("only that exact line").isEqualTo(W + " and more\nWARNING: other\n" + W.substring(0, 20) + "\n" + W + "x");
    assertThat(filter("no newline at the end")).isEqualTo("no newline at the end");
    assertThat(filter(W)).as("a last line without newline is kept").isEqualTo(W);
    assertThat(filter("")).isEmpty();
  }

  @Test
  void bytesArrivingOneAtATimeAreFilteredTheSame() throws IOException {
    byte[] text = (W + "\nWARN\n" + W + "\n\u00e9 done\n").getBytes(StandardCharsets.UTF_8);
    InputStream trickle = new ByteArrayInputStream(text) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1));
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Relaunch.copyWithout(W, trickle, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("WARN\n" + W + "\n\u00e9 done\n");
  }

  @Test
  void aLineThatCannotBeTheWarningIsPassedOnBeforeItsNewline() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new ByteArrayInputStream("prompt> ".getBytes(StandardCharsets.UTF_8)) {
      boolean done;

      @Override
      public synchronized int read(byte[] b, int off, int len) {
        if (done) {
          assertThat(out.toString(StandardCharsets.UTF_8)).as("flushed before the next read").isEqualTo("prompt> ");
        }
        done = true;
        return super.read(b, off, len);
      }
    };
    Relaunch.copyWithout(W, in, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("prompt> ");
  }

  private static String filter(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Relaunch.copyWithout(W, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
