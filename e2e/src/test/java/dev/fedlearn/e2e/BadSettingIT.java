package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A start refused on a setting says so in one line, last, with no warning or Spring failure report around it, and
 * exits with status 0 (which compose's {@code restart: on-failure} leaves alone): the real jars, as processes.
 */
class BadSettingIT {
  @Test
  void theAggregatorStopsOnABadSettingWithOneLine() throws Exception {
    Path state = Processes.freshDir(Path.of("target", "e2e-state", "bad-setting"));
    List<String> lines = startAndEnd(Processes.jar("aggregator.jar"), Map.of("FL_ROUNDS", "abc",
        "SERVER_PORT", Integer.toString(Processes.freePort()), "FL_STATE_DIR", state.toString(),
        "FL_DATA_DIR", Reference.DATA.toString()));
    assertThat(lines.getLast()).isEqualTo("aggregator not started: FL_ROUNDS (fl.rounds): For input string: \"abc\" "
        + "(fix the setting and start it again)");
    assertThat(lines).as("nothing but the one line says it failed").noneMatch(l -> l.contains(" WARN ")
        || l.contains("ERROR") || l.contains("APPLICATION FAILED TO START") || l.contains("Exception"));
  }

  @Test
  void aClientStopsOnABadSettingWithOneLine() throws Exception {
    List<String> lines = startAndEnd(Processes.jar("client.jar"), Map.of("FL_PERSONALIZE_EPOCHS", "many",
        "SERVER_PORT", Integer.toString(Processes.freePort()), "FL_CLIENT_ID", "client-1",
        "FL_AGGREGATOR_URL", "http://127.0.0.1:9", "FL_CLIENT_SHARD",
        Reference.DATA.resolve("shards/client-1.csv.gz").toString()));
    assertThat(lines.getLast()).startsWith("client not started: FL_PERSONALIZE_EPOCHS (fl.personalize.epochs): ")
        .endsWith("(fix the setting and start it again)");
    assertThat(lines).noneMatch(l -> l.contains(" WARN ") || l.contains("ERROR")
        || l.contains("APPLICATION FAILED TO START") || l.contains("Exception"));
  }

  /** Starts the jar, waits for it to end (exit status 0) and returns its output's non-blank lines. */
  private static List<String> startAndEnd(Path jar, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile("bad-setting", ".log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-jar", jar.toString()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FL_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the jar ended: " + Files.readString(out)).isTrue();
    String output = Files.readString(out);
    assertThat(p.exitValue()).as(output).isZero();
    return output.lines().filter(l -> !l.isBlank()).toList();
  }
}
