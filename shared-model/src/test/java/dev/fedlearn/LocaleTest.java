package dev.fedlearn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Idx;
import dev.fedlearn.protocol.ClientUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing the engine prints depends on the machine's locale: a German machine still writes {@code 0.5}. */
class LocaleTest {
  /** A call that formats numbers: String.format, printf, formatted, String.valueOf of a float, NumberFormat. */
  private static final Pattern FORMATTING =
      Pattern.compile("String\\.format\\(|\\.printf\\(|\\.formatted\\(|NumberFormat\\.|DecimalFormat\\(");

  @Test
  void everyFormattingCallOfTheEngineNamesLocaleRoot() throws IOException {
    Path main = Path.of("src/main/java");
    assertThat(main).as("run from the shared-model module").isDirectory();
    List<String> offenders = new ArrayList<>();
    int calls = 0;
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = FORMATTING.matcher(lines.get(i));
          while (m.find()) {
            calls++;
            String rest = lines.get(i).substring(m.end());
            if (!rest.startsWith("Locale.ROOT")) {
              offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
            }
          }
        }
      }
    }
    assertThat(calls).as("the scan finds the engine's formatting calls").isPositive();
    assertThat(offenders).isEmpty();
  }

  @Test
  void messagesAndRecordsReadTheSameOnAGermanMachine(@TempDir Path tmp) throws IOException {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(new ClientUpdate("c", 1, new int[] {2, 2}, new float[6], 0.5, 0.9342).toString())
          .contains("trainLoss=0.5").contains("trainAccuracy=0.9342");
      Path bad = tmp.resolve("bad");
      Files.write(bad, new byte[] {0, 0, 0x0b, 0x03, 0, 0, 0, 0});
      try {
        Idx.read(bad, null);
      } catch (DataException e) {
        assertThat(e.getMessage()).endsWith("(magic 0x00000B03)");
        return;
      }
      throw new AssertionError("the file was read");
    } finally {
      Locale.setDefault(saved);
    }
  }
}
