package dev.fedlearn.e2e;

import java.io.IOException;
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

  /**
   * A port no one listens on, for a service to bind later. It is drawn outside the kernel's ephemeral range (below it,
   * or above it when too little room is left below), from which {@code bind(0)} (a test's own proxy) and every
   * outgoing connection take their ports: a port handed out here cannot be taken by them between this call and the
   * service's start. No port is handed out twice by this JVM; another process that picks ports the same way may still
   * take one first, which then fails that service's start, not silently another test.
   */
  static synchronized int freePort() {
    int[] range = portsOutsideTheEphemeralRange();
    int span = range[1] - range[0] + 1;
    int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = range[0] + (start + i) % span;
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + range[0] + "-" + range[1]);
  }

  private static final int LOWEST_PORT = 10_000;
  private static final int ENOUGH = 1_000;
  private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The first and last port to draw from: below Linux's ephemeral range when at least {@link #ENOUGH} ports from
   * {@link #LOWEST_PORT} are left there, else above it; below IANA's range (from 49152) where the kernel does not say.
   */
  static int[] portsOutsideTheEphemeralRange() {
    int low;
    int high;
    try {
      String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
      low = Integer.parseInt(range[0]);
      high = Integer.parseInt(range[1]);
    } catch (IOException | RuntimeException e) {
      low = 49_152;
      high = 65_535;
    }
    if (low - LOWEST_PORT >= ENOUGH) {
      return new int[] {LOWEST_PORT, low - 1};
    }
    if (65_535 - high >= ENOUGH) {
      return new int[] {high + 1, 65_535};
    }
    throw new IllegalStateException("the ephemeral port range " + low + "-" + high + " leaves no room for the tests' "
        + "services: narrow it (/proc/sys/net/ipv4/ip_local_port_range)");
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
