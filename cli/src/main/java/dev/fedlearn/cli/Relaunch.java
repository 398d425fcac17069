package dev.fedlearn.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.fedlearn.nn.Kernels;

/**
 * The fast kernel needs {@code --add-modules jdk.incubator.vector}, which a jar's manifest cannot request. So when
 * {@code java -jar fl.jar} starts without it, the command starts itself again once with the option, in the same
 * terminal, and returns that run's exit code. {@code FL_NO_RELAUNCH=1} turns this off (the scalar kernel then
 * runs: same results, slower).
 */
final class Relaunch {
  static final String GUARD = "FL_NO_RELAUNCH";

  private Relaunch() {}

  /** The exit code of the relaunched command, or null to run here. */
  static Integer withVectorModule(Class<?> main, String[] args) {
    if (System.getenv(GUARD) != null) {
      return null;
    }
    Optional<String> java = ProcessHandle.current().info().command();
    if (java.isEmpty()) {
      return null;
    }
    try {
      String classPath = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      List<String> cmd = new ArrayList<>();
      cmd.add(java.get());
      cmd.add("--add-modules");
      cmd.add(Kernels.VECTOR_MODULE);
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(main.getName());
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
      pb.environment().put(GUARD, "1");
      Process p = pb.start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
      return p.waitFor();
    } catch (Exception e) {
      return null;
    }
  }
}
