package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code target/fl.jar} as a user starts it, {@code java -jar} without options, so it restarts itself
 * with the vector module: errors are one line on stderr (no JVM warning before it) with the documented exit code.
 */
class JarIT {
  static final Path JAR = Path.of("target", "fl.jar");

  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  static Run fl(Path dir, String... args) throws IOException, InterruptedException {
    return fl(dir, java.util.Map.of(), args);
  }

  static Run fl(Path dir, java.util.Map<String, String> env, String... args) throws IOException,
      InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    pb.environment().remove(Relaunch.GUARD);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("FL_PORT");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("fl %s ended", args).isTrue();
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void flRunsFindsTheAggregatorOnThePortComposePublishes() throws Exception {
    assertThat(fl(tmp, "runs", "list", "--help").out()).contains("default: http://localhost:8080:");
    Run moved = fl(tmp, java.util.Map.of("FL_PORT", "18080"), "runs", "list", "--help");
    assertThat(moved.out()).contains("default: http://localhost:18080:");
  }

  @Test
  void aMissingCsvIsOneLineOnStderrAndExitOne() throws Exception {
    Run r = fl(tmp, "train", "--csv", "/nonexistent.csv");
    assertThat(r.err()).isEqualTo("fl train: /nonexistent.csv: no such file" + System.lineSeparator());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aMissingShardsFolderIsOneLineOnStderrAndExitOne() throws Exception {
    Run r = fl(tmp, "simulate", "--shards", "/nonexistent-dir");
    assertThat(r.err()).isEqualTo("fl simulate: /nonexistent-dir: no such folder" + System.lineSeparator());
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void aBadArgumentIsOneLineOnStderrAndExitTwo() throws Exception {
    Run r = fl(tmp, "train", "--epochs", "many");
    assertThat(r.err()).startsWith("fl train: ").contains("'many'").endsWith(System.lineSeparator());
    assertThat(r.err().strip()).doesNotContain("\n");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void aTextFileNamedGzIsOneCleanLine() throws Exception {
    Files.writeString(tmp.resolve("x.csv.gz"), "label,p0\n1,2\n");
    Run r = fl(tmp, "train", "--csv", "x.csv.gz");
    assertThat(r.err()).isEqualTo("fl train: x.csv.gz: not a gzip file, though its name ends in .gz"
        + System.lineSeparator());
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void helpAndVersionStillWork() throws Exception {
    Run help = fl(tmp, "train", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.err()).isEmpty();
    assertThat(help.out()).startsWith("Usage: fl train").contains("--epochs=N");
    Run version = fl(tmp, "--version");
    assertThat(version.code()).isZero();
    assertThat(version.err()).isEmpty();
    assertThat(version.out()).as("restarted with the vector module").contains("kernel vector");
  }

  @Test
  void aNormalRunPrintsProgressOnStderrAndJsonOnStdout() throws Exception {
    Path mnist = Path.of(CliTest.MNIST).toAbsolutePath();
    Run r = fl(tmp, "train", "--mnist", mnist.toString(), "--samples", "200", "--epochs", "2", "--threads", "1");
    assertThat(r.code()).as(r.err()).isZero();
    String[] err = r.err().split("\\R");
    assertThat(err).hasSize(3);
    assertThat(err[0]).startsWith("training 784,20,15,10 on 200 samples").endsWith("kernel vector");
    assertThat(err[1]).startsWith("epoch 1/2  loss ");
    assertThat(err[2]).startsWith("epoch 2/2  loss ");
    assertThat(r.out().strip()).startsWith("{\"data\":\"mnist\",\"samples\":200,").endsWith("}").doesNotContain("\n");
  }

  @Test
  void aWorkbookIsWrittenWithoutLibraryNoise() throws Exception {
    Path mnist = Path.of(CliTest.MNIST).toAbsolutePath();
    Run r = fl(tmp, "simulate", "--mnist", mnist.toString(), "--sizes", "100,200", "--rounds", "2", "--epochs", "1",
        "--out", "run.xlsx");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).as("nothing on stderr (no Log4j provider message)").isEmpty();
    assertThat(tmp.resolve("run.xlsx")).isNotEmptyFile();
  }
}
