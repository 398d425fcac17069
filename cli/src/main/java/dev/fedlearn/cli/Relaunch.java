package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fast kernel needs {@code --add-modules jdk.incubator.vector}, which a jar's manifest cannot request. So when
 * {@code java -jar fl.jar} starts without it, the command starts itself again once with the option and returns that
 * run's exit code. The new JVM shares stdin and stdout; its stderr is passed through without the line
 * {@value #INCUBATOR_WARNING} that the JVM prints for the option. When it cannot start itself again, it says why in
 * one line on stderr and the command runs here with the scalar kernel (same results, slower). Setting the
 * environment variable {@code FL_NO_RELAUNCH} (to any value) turns this off silently.
 */
final class Relaunch {
  static final String GUARD = "FL_NO_RELAUNCH";
  static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: " + Kernels.VECTOR_MODULE;

  private Relaunch() {}

  /** The exit code of the relaunched command, or null to run here. */
  static Integer withVectorModule(Class<?> main, String[] args) {
    if (System.getenv(GUARD) != null) {
      return null;
    }
    return withVectorModule(runningJava(), main, args, System.err);
  }

  /**
   * The java command of this JVM, so the new one runs on the same Java (25 or newer, as this one must be to load
   * these classes): the running process's command, else {@code java.home}'s {@code bin/java}.
   */
  static Optional<String> runningJava() {
    return ProcessHandle.current().info().command().or(() -> {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      return java.toFile().canExecute() ? Optional.of(java.toString()) : Optional.empty();
    });
  }

  /** Starts {@code main} again with {@code java}; null, after one line on {@code err} saying why, if it cannot. */
  static Integer withVectorModule(Optional<String> java, Class<?> main, String[] args, PrintStream err) {
    String why;
    if (ModuleFinder.ofSystem().find(Kernels.VECTOR_MODULE).isEmpty()) {
      why = "this Java runtime has no module " + Kernels.VECTOR_MODULE;
    } else if (java.isEmpty()) {
      why = "the path of the running java command is unknown";
    } else {
      try {
        return run(command(java.get(), main, args), err);
      } catch (IOException | RuntimeException e) {
        why = Main.describe(e);
      }
    }
    err.println("fl: cannot restart with --add-modules " + Kernels.VECTOR_MODULE + " (" + why
        + "); running with the scalar kernel: same results, slower");
    return null;
  }

  private static List<String> command(String java, Class<?> main, String[] args) throws IOException {
    String classPath;
    try {
      classPath = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IOException("cannot locate the jar: " + e.getMessage(), e);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--add-modules");
    cmd.add(Kernels.VECTOR_MODULE);
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(main.getName());
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** Runs {@code cmd} to its end, stdin and stdout shared, stderr filtered to {@code err}; its exit code. */
  private static int run(List<String> cmd, PrintStream err) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put(GUARD, "1");
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    Thread pump = new Thread(() -> {
      try (InputStream in = p.getErrorStream()) {
        copyWithout(INCUBATOR_WARNING, in, err);
      } catch (IOException e) {
        // the child's stderr can no longer be read: there is nothing more to pass on
      }
    }, "fl-stderr");
    pump.setDaemon(true);
    pump.start();
    boolean interrupted = false;
    while (true) {
      try {
        int code = p.waitFor();
        pump.join();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return code;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /**
   * Copies {@code in} to {@code out} byte for byte, except the first line that is exactly {@code line} (ending in
   * {@code \n} or {@code \r\n}), which is dropped. Output is flushed after every read, so progress shows as it comes;
   * only a line that could still turn out to be {@code line} is held back until it can be told apart.
   */
  static void copyWithout(String line, InputStream in, OutputStream out) throws IOException {
    byte[] target = line.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream held = new ByteArrayOutputStream(); // the current line so far, while it matches target
    boolean dropped = false;
    boolean lineStart = true; // at the start of a line, or inside one whose bytes so far match target
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(n + held.size());
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (dropped || !lineStart) {
          chunk.write(b);
          lineStart = b == '\n';
        } else if (b == '\n') {
          int len = held.size();
          byte[] h = held.toByteArray();
          if (len > 0 && h[len - 1] == '\r') {
            len--;
          }
          if (len == target.length && Arrays.equals(h, 0, len, target, 0, len)) {
            dropped = true;
          } else {
            chunk.write(h, 0, h.length);
            chunk.write(b);
          }
          held.reset();
        } else {
          held.write(b);
          int len = held.size();
          boolean prefix = len <= target.length ? b == target[len - 1] : len == target.length + 1 && b == '\r';
          if (!prefix) {
            held.writeTo(chunk);
            held.reset();
            lineStart = false;
          }
        }
      }
      chunk.writeTo(out);
      out.flush();
    }
    held.writeTo(out);
    out.flush();
  }
}
