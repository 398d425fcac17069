package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every timing and memory figure the docs give comes from {@code benchmarks/figures.sh}: docs/performance.md holds
 * its last full table ({@code benchmarks/figures.md}) verbatim, and any other time or memory figure written on a page
 * (outside code, as in "8.5 s" or "121–153 MiB", also when a line break splits it) must appear, as written, in the
 * value column of that table. What is not a measurement (a setting's default, a limit, a target, a simulated time,
 * exact and checked by {@code SitesThatDifferIT}) is listed below, page by page, with its reason.
 * benchmarks/history.md is left out: it is the dated record of what past changes did, which no script can measure
 * again.
 */
class FiguresInDocsTest {
  /** A number, or a range of two, with a unit of time, speed or measured memory. */
  static final Pattern FIGURE = Pattern.compile("(?<![\\w.,–-])\\d[\\d,]*(?:\\.\\d+)?(?:\\s?[–-]\\s?\\d[\\d,]*"
      + "(?:\\.\\d+)?)?\\s?(?:samples/s|ms|µs|seconds?|s|min|minutes|hours?|h|MiB|GiB)(?!\\w)");

  static final Path HISTORY = Path.of("benchmarks", "history.md");

  /** Per page, the phrases holding a figure that is not a measurement, each with why. */
  static final Map<String, List<String>> NOT_MEASURED = Map.of(
      "docs/performance.md", List.of(
          "every 0.5 s", // how often the clients retry a refused connection: a setting
          "to COMPLETED in 15 s", // a target, named as not reached
          "(512 MiB for the aggregator, 256 MiB for each client)"), // the compose file's limits
      "docs/operations.md", List.of(
          "every 5 s", // how often a client asks for a new run: a constant
          "up to 30 s to score"), // how long a completed run waits for its clients' scores: a constant
      "docs/design.md", List.of("or 30 s past"), // the same constant
      "docs/privacy-and-security.md", List.of("(30 s) for stragglers"), // FL_SECAGG_TIMEOUT's default
      "docs/api.md", List.of("a comment every 15 s"), // the event stream's heartbeat: a constant
      "benchmarks/README.md", List.of("iterations of 1 s"), // figures.sh's JMH settings
      // fl simulate's simulated seconds, exact for a seed, each row checked against fl simulate by SitesThatDifferIT
      "docs/sites-that-differ.md", List.of("| 2,100 s (each round", "| **840 s** (", "| 875 s |", "| 1,470 s |",
          "| 420 s |", "| 630 s |", "(630 s against 420 s)"));

  @Test
  void performancePageHoldsTheScriptsLastTable() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    String table = lastTable(Files.readString(root.resolve("benchmarks/figures.md")));
    assertThat(Files.readString(root.resolve("docs/performance.md")))
        .as("docs/performance.md quotes benchmarks/figures.md (run benchmarks/figures.sh, then copy its table)")
        .contains(table);
  }

  @Test
  void everyTimingOrMemoryFigureOfTheDocsIsInTheScriptsTable() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    String table = lastTable(Files.readString(root.resolve("benchmarks/figures.md")));
    List<String> problems = new ArrayList<>();
    for (Path page : DocsLinksTest.pages(root)) {
      if (page.endsWith(HISTORY)) {
        continue;
      }
      String name = root.relativize(page).toString().replace('\\', '/');
      problems.addAll(unmeasured(name, Files.readString(page).replace(table, ""), values(table),
          NOT_MEASURED.getOrDefault(name, List.of())));
    }
    assertThat(problems).as("figures not measured by benchmarks/figures.sh (measure them there, or say here why "
        + "they are not measurements)").isEmpty();
  }

  @Test
  void findsFiguresOutsideCodeAndAcceptsOnlyTheTablesValuesOrTheListedPhrases() {
    String figures = """
        Measured on 2026-12-07 00:00 UTC on vm, 2 cores
        | figure | value | how |
        |---|---|---|
        | simulate: whole process | 8.5 s (8.3–9.8, 3 runs) | polled every 4.4 s |
        | clients | 121–153 MiB | … |
        Timings: the median of 3 runs.""";
    String values = values(lastTable(figures));
    String page = """
        It takes 8.5 s; clients 121–153 MiB; a round took 4.4 s (only the how column says 4.4 s).
        ```
        took 99 s in a code block
        ```
        `sleep 7 s` in a code span; retried every 0.5 s; 23,000 samples/s; 2.6 ms; 1.5 seconds, 3 stars.
        A substring is not the figure: 5 s is not 8.5 s, nor is 121-153 MiB 121–153 MiB. Split over a
        line: 12
        min. Listed: polled every 0.5 s by the script, but every 0.5 s elsewhere is not.
        """;
    assertThat(unmeasured("p.md", page, values, List.of("polled every 0.5 s"))).containsExactly(
        "p.md:1: 4.4 s", "p.md:1: 4.4 s", "p.md:5: 0.5 s", "p.md:5: 23,000 samples/s", "p.md:5: 2.6 ms",
        "p.md:5: 1.5 seconds",
        "p.md:6: 5 s", "p.md:6: 121-153 MiB", "p.md:7: 12\nmin", "p.md:8: 0.5 s");
  }

  /** The block of a figures table from its "Measured on" line to its "Timings:" line (and a "Not measured" one). */
  static String lastTable(String figures) {
    int from = figures.indexOf("Measured on ");
    int timings = figures.indexOf("\nTimings: ", from);
    assertThat(from).as("benchmarks/figures.md has its \"Measured on\" line").isGreaterThanOrEqualTo(0);
    assertThat(timings).as("benchmarks/figures.md has its \"Timings:\" line").isGreaterThan(from);
    int end = figures.indexOf('\n', timings + 1);
    if (end >= 0 && figures.startsWith("Not measured", end + 1)) {
      end = figures.indexOf('\n', end + 1);
    }
    return figures.substring(from, end < 0 ? figures.length() : end);
  }

  /** The value column of the table's rows, one per line. */
  static String values(String table) {
    StringBuilder out = new StringBuilder();
    for (String row : table.split("\n")) {
      String[] cells = row.split("\\|");
      if (row.startsWith("| ") && cells.length > 2) {
        out.append(cells[2].strip()).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Each figure of the page, outside fenced code and code spans, that is neither a value of the table (matched whole:
   * "5 s" is not in "8.5 s") nor inside one of the listed phrases, as {@code page:line: figure}.
   */
  static List<String> unmeasured(String name, String page, String values, List<String> listed) {
    StringBuilder prose = new StringBuilder();
    boolean inFence = false;
    for (String line : page.split("\n", -1)) {
      if (DocsLinksTest.FENCE.matcher(line).matches()) {
        inFence = !inFence;
        prose.append('\n');
        continue;
      }
      // the same length, so that offsets still give line numbers
      prose.append(inFence ? " ".repeat(line.length()) : blankCode(line)).append('\n');
    }
    String text = prose.toString();
    List<int[]> excused = new ArrayList<>();
    for (String phrase : listed) {
      for (int at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
        excused.add(new int[] {at, at + phrase.length()});
      }
    }
    List<String> problems = new ArrayList<>();
    Matcher figure = FIGURE.matcher(text);
    while (figure.find()) {
      String value = figure.group();
      int start = figure.start();
      int end = figure.end();
      boolean inTable = Pattern.compile("(?m)(?<![\\w.,–-])" + Pattern.quote(value) + "(?!\\w)").matcher(values)
          .find();
      boolean isListed = excused.stream().anyMatch(span -> span[0] <= start && end <= span[1]);
      if (!inTable && !isListed) {
        int line = 1 + (int) text.substring(0, start).chars().filter(c -> c == '\n').count();
        problems.add(name + ":" + line + ": " + value);
      }
    }
    return problems;
  }

  /** The line with each code span's characters blanked. */
  private static String blankCode(String line) {
    StringBuilder out = new StringBuilder(line);
    Matcher code = DocsLinksTest.CODE_SPAN.matcher(line);
    while (code.find()) {
      for (int i = code.start(); i < code.end(); i++) {
        out.setCharAt(i, ' ');
      }
    }
    return out.toString();
  }
}
