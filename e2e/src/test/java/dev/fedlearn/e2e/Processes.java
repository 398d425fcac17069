package dev.fedlearn.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the services' executable jars as real processes and stops them all at the end. */
final class Processes implements AutoCloseable {
  private final List<Process> started = new ArrayList<>();
  private final Path logs;

  Processes(Path logs) throws IOException {
    this.logs = Files.createDirectories(logs);
  }

  static Path jar(String property) {
    Path jar = Path.of(System.getProperty(property, "missing-" + property));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no jar at " + jar + ": build the services first (./mvnw verify)");
    }
    return jar;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Process start(String name, Path jar, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-jar",
        jar.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(logs.resolve(name + ".log").toFile());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** Starts the client jar as {@code client-c} with its committed shard, on a free port, for the aggregator at base. */
  Process startClient(int c, String base) throws IOException {
    return startClient("client-" + c, c, base, Map.of());
  }

  /**
   * Starts the client jar as {@code client-c} with its committed shard, on a free port, for the aggregator at base,
   * with {@code env} added to its environment; its log is {@code name}.log.
   */
  Process startClient(String name, int c, String base, Map<String, String> env) throws IOException {
    Map<String, String> all = new java.util.HashMap<>(Map.of(
        "SERVER_PORT", Integer.toString(freePort()),
        "FL_CLIENT_ID", "client-" + c,
        "FL_CLIENT_SHARD", Reference.DATA.resolve("shards/client-" + c + ".csv.gz").toString(),
        "FL_AGGREGATOR_URL", base));
    all.putAll(env);
    return start(name, jar("client.jar"), all);
  }

  /** An empty folder (deleted and made again): a run's state must not leak from one test run to the next. */
  static Path freshDir(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }

  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
