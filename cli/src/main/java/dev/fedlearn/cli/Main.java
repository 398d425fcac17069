package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Kernels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code java -jar cli/target/fl.jar}: make shards, train centrally, simulate a federated run, list the strategies,
 * score a trained model and predict with it, read a running aggregator's runs.
 */
@Command(name = "fl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Federated learning on MNIST and Fashion-MNIST with an in-house MLP: shards, central training, "
        + "simulation, the strategies, the trained model put to use (evaluate, predict), and a running aggregator's "
        + "runs (runs).",
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    subcommands = {ShardsCommand.class, TrainCommand.class, SimulateCommand.class, StrategiesCommand.class,
        EvaluateCommand.class, PredictCommand.class, RunsCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final String EXIT_OK = "0:done";
  static final String EXIT_FAILED = "1:an input file is missing, unreadable or corrupt, or the run failed";
  static final String EXIT_USAGE = "2:bad arguments: unknown option or command, a value of the wrong kind or out of "
      + "range";
  /** The longest error line, in characters. */
  static final int MAX_LINE = 400;

  private static final String LOG4J_FACTORY = "log4j2.loggerContextFactory";

  public static void main(String[] args) {
    // POI (the workbook of simulate --out) logs through the Log4j API, which has no provider in this jar and would say
    // so on stderr: its simple logger prints errors only.
    if (System.getProperty(LOG4J_FACTORY) == null) {
      System.setProperty(LOG4J_FACTORY, "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    }
    if (!Kernels.vectorAvailable()) {
      Integer code = Relaunch.withVectorModule(Main.class, args);
      if (code != null) {
        System.exit(code);
      }
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs one command line; returns the exit code. An error is one line on {@code err}, {@code "fl CMD: message"},
   * and exits {@value #USAGE} for bad arguments (picocli's parse errors, and an {@link IllegalArgumentException}: a
   * value the command rejects) and {@value #FAILED} for anything else (an {@link java.io.IOException} about an input
   * file, a diverged run).
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
      err.println(oneLine(cmd + ": " + ex.getMessage() + " (see '" + cmd + " --help')"));
      return USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      String cmd = commandLine.getCommandSpec().qualifiedName();
      err.println(oneLine(cmd + ": " + describe(ex)));
      return ex instanceof IllegalArgumentException ? USAGE : FAILED;
    });
    return cl.execute(args);
  }

  /** What went wrong, for one line: the message, with the exception's kind only where the message alone is unclear. */
  static String describe(Throwable ex) {
    if (ex instanceof UncheckedIOException && ex.getCause() != null) {
      return describe(ex.getCause());
    }
    String msg = ex.getMessage();
    if (ex instanceof FileSystemException fs && fs.getFile() != null && fs.getReason() == null) {
      String file = fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile());
      if (ex instanceof NoSuchFileException) {
        return file + ": no such file or folder";
      }
      if (ex instanceof AccessDeniedException) {
        return file + ": permission denied";
      }
      if (ex instanceof NotDirectoryException) {
        return file + ": not a folder";
      }
      if (ex instanceof FileAlreadyExistsException) {
        return file + ": already exists";
      }
      return file + ": " + ex.getClass().getSimpleName();
    }
    if (msg == null || msg.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    if (ex instanceof IOException || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
      return msg;
    }
    return ex.getClass().getSimpleName() + ": " + msg;
  }

  /**
   * {@code text} as one printable line: line breaks and tabs become spaces, other control or unprintable characters
   * become {@code ?}, and a text longer than {@value #MAX_LINE} characters is cut, ending in {@code ...}.
   */
  static String oneLine(String text) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LINE + 3));
    for (int i = 0; i < text.length() && b.length() < MAX_LINE; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n' || c == '\r' || c == '\t') {
        b.append(' ');
      } else if (Character.isISOControl(c) || !Character.isDefined(c) || c == 0xFFFD
          || Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.PRIVATE_USE) {
        b.append('?');
      } else {
        b.appendCodePoint(c);
      }
      if (b.length() >= MAX_LINE && i < text.length()) {
        b.append("...");
      }
    }
    return b.toString();
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
