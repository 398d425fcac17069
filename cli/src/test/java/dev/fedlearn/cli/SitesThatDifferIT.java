package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The figures docs/sites-that-differ.md gives for one site five times slower: the seed's setup to 93%, synchronous
 * FedAvg against FedBuff (buffers of 2 and 3, a larger staleness), and both with no slow site, run as the page says;
 * every row of the page's table must show what its run gives (simulated time is exact for a seed).
 */
class SitesThatDifferIT {
  static final Path PAGE = Path.of("..", "docs", "sites-that-differ.md");

  @Test
  void theSlowSiteTableIsWhatTheRunsGive() throws IOException {
    String page = Files.readString(PAGE);
    check(page, "synchronous FedAvg", "round", run(SLOW));
    check(page, "FedBuff, `--buffer-size 2`", "version", run(SLOW, "--mode", "async", "--buffer-size", "2",
        "--rounds", "60"));
    check(page, "FedBuff, `--buffer-size 2 --max-staleness 20`", "version", run(SLOW, "--mode", "async",
        "--buffer-size", "2", "--max-staleness", "20", "--rounds", "60"));
    check(page, "FedBuff, `--buffer-size 3`", "version", run(SLOW, "--mode", "async", "--buffer-size", "3",
        "--rounds", "60"));
    check(page, "synchronous, all four at speed 1", "round", run(EVEN));
    check(page, "FedBuff `--buffer-size 2`, all four at speed 1", "version", run(EVEN, "--mode", "async",
        "--buffer-size", "2", "--rounds", "60"));
  }

  static final String SLOW = "1,1,1,5";
  static final String EVEN = "1,1,1,1";

  private static JsonNode run(String speeds, String... mode) {
    String[] base = {"simulate", "--mnist", CliTest.MNIST, "--client-speeds", speeds, "--target-accuracy", "0.93"};
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(mode))
        .toArray(String[]::new);
    CliTest.Result r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    return r.json();
  }

  /** The page's row {@code run} reads: reached at {@code unit} N, its accuracy, its simulated seconds. */
  private static void check(String page, String run, String unit, JsonNode json) {
    Matcher row = Pattern.compile("\\| " + Pattern.quote(run) + " \\| " + unit + " (\\d+) \\| ([\\d.]+)% \\| "
        + "\\**([\\d,]+) s").matcher(page);
    assertThat(row.find()).as("a row for %s in %s", run, PAGE).isTrue();
    assertThat(Integer.parseInt(row.group(1))).as(run).isEqualTo(json.get("roundsToTarget").asInt());
    assertThat(row.group(2)).as(run).isEqualTo(String.format(Locale.ROOT, "%.2f",
        100 * json.get("globalTestAccuracy").asDouble()));
    assertThat(Double.parseDouble(row.group(3).replace(",", ""))).as(run).isEqualTo(
        json.get("simulatedSecondsToTarget").asDouble());
  }
}
