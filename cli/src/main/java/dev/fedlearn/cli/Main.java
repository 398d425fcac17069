package dev.fedlearn.cli;

import dev.fedlearn.nn.Kernels;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar cli/target/fl.jar}: make shards, train centrally, simulate a federated run. */
@Command(name = "fl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Federated learning on MNIST with an in-house MLP: shards, central training, simulation.",
    subcommands = {ShardsCommand.class, TrainCommand.class, SimulateCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    if (!Kernels.vectorAvailable()) {
      Integer code = Relaunch.withVectorModule(Main.class, args);
      if (code != null) {
        System.exit(code);
      }
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; returns the exit code (0 ok, 1 failed, 2 bad arguments). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
      err.println(cmd + ": " + ex.getMessage() + " (see '" + cmd + " --help')");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      String cmd = commandLine.getCommandSpec().qualifiedName();
      err.println(cmd + ": " + describe(ex));
      return ex instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl.execute(args);
  }

  /** One line for a failure: the message, with the exception's kind only where the message alone is unclear. */
  static String describe(Throwable ex) {
    String msg = ex.getMessage();
    if (ex instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + msg;
    }
    if (ex instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + msg;
    }
    if (msg == null || msg.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    if (ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
        || ex instanceof IllegalStateException) {
      return msg.replace('\n', ' ');
    }
    return ex.getClass().getSimpleName() + ": " + msg.replace('\n', ' ');
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fl " + (v == null ? "dev" : v) + ", kernel " + Kernels.defaultName() + ", Java "
          + Runtime.version()};
    }
  }
}
