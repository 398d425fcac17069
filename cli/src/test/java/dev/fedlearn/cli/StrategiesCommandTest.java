package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.StrategyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code fl strategies} prints the registry; the table in docs/strategies.md is its Markdown, and simulate's help
 * lists its ids.
 */
class StrategiesCommandTest {
  /** The page that documents the strategies (the README links to it). */
  static final String STRATEGIES_PAGE = "docs/strategies.md";

  @Test
  void theDocsStrategyTableIsTheRegistrysMarkdown() throws IOException {
    List<String> page = Files.readAllLines(repositoryRoot().resolve(STRATEGIES_PAGE));
    List<String> table = StrategiesCommand.markdown();
    int start = page.indexOf(table.get(0));
    assertThat(start).as(STRATEGIES_PAGE + " has the table's header: " + table.get(0)).isNotNegative();
    List<String> rows = page.subList(start, page.size()).stream().takeWhile(l -> l.startsWith("|")).toList();
    assertThat(String.join("\n", rows))
        .as(STRATEGIES_PAGE + "'s strategy table: paste `fl strategies --markdown` over it")
        .isEqualTo(String.join("\n", table));
  }

  @Test
  void theMarkdownFlagPrintsTheTableAndTheTextTableEveryStrategyAndParameter() {
    CliTest.Result md = CliTest.run("strategies", "--markdown");
    assertThat(md.code()).as(md.err()).isZero();
    assertThat(md.out()).isEqualTo(String.join("\n", StrategiesCommand.markdown()) + "\n");
    assertThat(md.out()).contains("| `fedprox` | FedAvg; every client adds `mu/2 \\|\\|w - w_global\\|\\|^2` to its");

    CliTest.Result text = CliTest.run("strategies");
    assertThat(text.code()).as(text.err()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines.get(0)).startsWith("id ");
    for (StrategyType t : StrategyType.values()) {
      assertThat(lines).as(t.id()).anyMatch(l -> l.matches(t.id() + " +" + (t.needsOnlyTheMean() ? "yes" : "no")
          + " +\\S.*"));
      for (StrategyType.Parameter p : t.parameters()) {
        assertThat(lines).as(t.id() + " " + p.name()).anyMatch(l -> l.strip().startsWith(p.name() + " ("
            + p.defaultValue() + ")  "));
      }
    }
    assertThat(text.out()).doesNotContain("`").contains("mu/2 ||w - w_global||^2");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(StrategiesCommand.WIDTH));
  }

  @Test
  void simulatesHelpListsTheRegistrysIds() {
    String help = CliTest.run("simulate", "--help").out().replaceAll("\\s+", " ");
    assertThat(help).contains("How the server combines the updates: " + String.join(", ", Strategies.ids())
        + " (default: fedavg)");
    assertThat(CliTest.run("--help").out()).contains("strategies");
  }

  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(".mvn")) && Files.isRegularFile(p.resolve("README.md"))) {
        return p;
      }
    }
    throw new AssertionError("no repository root (a folder with .mvn and README.md) above "
        + Path.of("").toAbsolutePath());
  }
}
