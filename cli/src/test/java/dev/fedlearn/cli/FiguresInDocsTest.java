package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every timing and memory figure the docs give comes from {@code benchmarks/figures.sh}: docs/performance.md holds
 * its last table ({@code benchmarks/figures.md}) verbatim, and any other time or memory figure written on a page
 * (outside code, as in "8.5 s" or "121–153 MiB") must appear, as written, in that table. What is not a measurement
 * (a setting's default, a limit, a target, a simulated time) is listed below with its reason. benchmarks/history.md
 * is left out: it is the dated record of what past changes did, which no script can measure again.
 */
class FiguresInDocsTest {
  /** A number, or a range of two, with a unit of time, speed or measured memory. */
  static final Pattern FIGURE = Pattern.compile("(?<![\\w.,–-])\\d[\\d,]*(?:\\.\\d+)?(?:–\\d[\\d,]*(?:\\.\\d+)?)?"
      + " ?(?:samples/s|ms|µs|s|min|minutes|MiB)(?![\\w/])");

  static final Path HISTORY = Path.of("benchmarks", "history.md");

  /** Phrases holding a figure that is not a measurement, each with why. */
  static final List<String> NOT_MEASURED = List.of(
      "every 0.5 s", // how often the clients retry a refused connection: a setting
      "up` to COMPLETED in 15 s", // a target, named as not reached
      "(512 MiB for the aggregator, 256 MiB for each client)", // the compose file's limits
      "up to 30 s to score", "or 30 s past", // how long a completed run waits for its clients' scores: a constant
      "(30 s) for stragglers", // FL_SECAGG_TIMEOUT's default
      "CI allows 90 minutes", // CI's limit
      "a comment every 15 s", // the event stream's heartbeat: a constant
      "iterations of 1 s", // figures.sh's JMH settings
      // fl simulate's simulated seconds, exact for a seed, checked against fl simulate by SitesThatDifferIT
      "| 2,100 s (each round", "| **840 s** (", "| 875 s |", "| 1,470 s |", "| 420 s |", "| 630 s |",
      "(630 s against 420 s)");

  @Test
  void performancePageHoldsTheScriptsLastTable() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    String table = lastTable(root);
    assertThat(Files.readString(root.resolve("docs/performance.md")))
        .as("docs/performance.md quotes benchmarks/figures.md (run benchmarks/figures.sh, then copy its table)")
        .contains(table);
  }

  @Test
  void everyTimingOrMemoryFigureOfTheDocsIsInTheScriptsTable() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    String table = lastTable(root);
    List<String> problems = new ArrayList<>();
    for (Path page : DocsLinksTest.pages(root)) {
      if (page.endsWith(HISTORY)) {
        continue;
      }
      problems.addAll(unmeasured(root.relativize(page).toString(), Files.readString(page).replace(table, ""), table));
    }
    assertThat(problems).as("figures not measured by benchmarks/figures.sh (measure them there, or say why not here)")
        .isEmpty();
  }

  @Test
  void findsFiguresOutsideCodeAndAcceptsOnlyTheTablesOrTheListed() {
    String table = "| simulate: whole process | 8.5 s (8.3–9.8, 3 runs) | … |\n| clients | 121–153 MiB | … |";
    String page = """
        It takes 8.5 s; clients 121–153 MiB; a round took 4.4 s.
        ```
        took 99 s in a code block
        ```
        `sleep 7 s` in a code span; retried every 0.5 s; 23,000 samples/s; 2.6 ms; version 1.5 seconds, 3 stars.
        """;
    assertThat(unmeasured("p.md", page, table)).containsExactly(
        "p.md:1: 4.4 s in \"It takes 8.5 s; clients 121–153 MiB; a round took 4.4 s.\"",
        "p.md:5: 23,000 samples/s in \"`sleep 7 s` in a code span; retried every 0.5 s; 23,000 samples/s; 2.6 ms; "
            + "version 1.5 seconds, 3 stars.\"",
        "p.md:5: 2.6 ms in \"`sleep 7 s` in a code span; retried every 0.5 s; 23,000 samples/s; 2.6 ms; version 1.5 "
            + "seconds, 3 stars.\"");
  }

  /** The block of figures.md from its "Measured on" line to its "Timings:" line. */
  static String lastTable(Path root) throws IOException {
    String figures = Files.readString(root.resolve("benchmarks/figures.md"));
    int from = figures.indexOf("Measured on ");
    int timings = figures.indexOf("\nTimings: ", from);
    assertThat(from).as("benchmarks/figures.md has its \"Measured on\" line").isGreaterThanOrEqualTo(0);
    assertThat(timings).as("benchmarks/figures.md has its \"Timings:\" line").isGreaterThan(from);
    int end = figures.indexOf('\n', timings + 1);
    return figures.substring(from, end < 0 ? figures.length() : end);
  }

  /** Each figure of the page, outside code, that is neither in the table nor in a listed phrase. */
  static List<String> unmeasured(String name, String page, String table) {
    List<String> problems = new ArrayList<>();
    boolean inFence = false;
    String[] lines = page.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (DocsLinksTest.FENCE.matcher(line).matches()) {
        inFence = !inFence;
        continue;
      }
      if (inFence) {
        continue;
      }
      String prose = DocsLinksTest.CODE_SPAN.matcher(line).replaceAll(" ");
      Matcher figure = FIGURE.matcher(prose);
      while (figure.find()) {
        String value = figure.group();
        if (!table.contains(value) && NOT_MEASURED.stream().noneMatch(p -> p.contains(value) && line.contains(p))) {
          problems.add(name + ":" + (i + 1) + ": " + value + " in \"" + line.strip() + "\"");
        }
      }
    }
    return problems;
  }
}
