package dev.fedlearn.cli;

import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.StrategyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "strategies", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = "List the strategies of simulate's --strategy and the aggregator's FL_STRATEGY: what each does, "
        + "whether it runs with differential privacy and secure aggregation (only those that need just the weighted "
        + "mean of the updates do), and its parameters (--strategy-param NAME=VALUE) with their defaults.")
final class StrategiesCommand implements Callable<Integer> {
  /** The width the text table's descriptions wrap at. */
  static final int WIDTH = 118;

  @Spec
  CommandSpec spec;

  @Option(names = "--markdown", description = "Print the table in Markdown, as docs/strategies.md shows it.")
  boolean markdown;

  /** The strategy ids, for picocli's {@code ${COMPLETION-CANDIDATES}}. */
  static final class Ids implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Strategies.ids().iterator();
    }
  }

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(String.join("\n", markdown ? markdown() : table()) + "\n");
    spec.commandLine().getOut().flush();
    return Main.OK;
  }

  /** The registry as the table in docs/strategies.md: a header, then a row per strategy. */
  static List<String> markdown() {
    List<String> lines = new ArrayList<>();
    lines.add("| id | what | parameters (default) | with DP and secure aggregation |");
    lines.add("|---|---|---|---|");
    for (StrategyType t : StrategyType.values()) {
      String parameters = t.parameters().isEmpty() ? "none" : t.parameters().stream()
          .map(p -> "`" + p.name() + "` (" + p.defaultValue() + "): " + p.meaning())
          .collect(Collectors.joining("; "));
      lines.add("| `" + t.id() + "` | " + cell(t.description()) + " | " + cell(parameters) + " | "
          + (t.needsOnlyTheMean() ? "yes" : "no") + " |");
    }
    return lines;
  }

  /**
   * The registry as a text table: a row per strategy (its id, whether it runs with differential privacy and secure
   * aggregation, what it does), then a row per parameter, {@code name (default)} and its meaning; code without its
   * backticks, long descriptions wrapped.
   */
  static List<String> table() {
    int idWidth = Arrays.stream(StrategyType.values()).mapToInt(t -> t.id().length()).max().orElse(0) + 2;
    String dpHeader = "DP, secagg  ";
    String indent = " ".repeat(idWidth + dpHeader.length());
    List<String> lines = new ArrayList<>();
    lines.add(pad("id", idWidth) + dpHeader + "what; parameters (default)");
    for (StrategyType t : StrategyType.values()) {
      List<String> what = wrap(plain(t.description()), WIDTH - indent.length());
      lines.add(pad(t.id(), idWidth) + pad(t.needsOnlyTheMean() ? "yes" : "no", dpHeader.length()) + what.get(0));
      what.stream().skip(1).forEach(w -> lines.add(indent + w));
      int nameWidth = t.parameters().stream().mapToInt(p -> p.name().length() + p.defaultValue().length() + 3)
          .max().orElse(0) + 2;
      for (StrategyType.Parameter p : t.parameters()) {
        lines.add(indent + "  " + pad(p.name() + " (" + p.defaultValue() + ")", nameWidth) + plain(p.meaning()));
      }
    }
    return lines;
  }

  /** A Markdown table cell: {@code |} escaped, so that it stays one cell (inside code too). */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /** The text without Markdown's backticks. */
  private static String plain(String text) {
    return text.replace("`", "");
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
  }

  /** {@code text} cut into lines of at most {@code width} characters at spaces (a longer word keeps its own line). */
  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
