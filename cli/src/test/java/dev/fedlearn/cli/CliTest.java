package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.IdxCache;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CliTest {
  @TempDir
  Path tmp;

  static final String MNIST = Path.of(System.getProperty("fl.data.dir", "../data"), "mnist").toString();

  record Result(int code, String out, String err) {
    JsonNode json() {
      String[] lines = out.strip().split("\n");
      return JsonMapper.builder().build().readTree(lines[lines.length - 1]);
    }
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : new String[] {"shards", "train", "simulate"}) {
      Result r = run(cmd, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains("Usage: fl " + cmd).contains("--mnist");
    }
    assertThat(run("train", "--help").out()).contains("--epochs", "--batch-size", "--learning-rate", "--momentum",
        "--seed", "--preset", "--threads", "--samples", "--csv");
    assertThat(run("simulate", "--help").out()).contains("--sizes", "--rounds", "--dirichlet", "--shards",
        "--strategy", "--strategy-param", "--fraction", "--min-clients", "--byzantine", "--attack");
    assertThat(run("--help").out()).contains("shards", "train", "simulate");
  }

  @Test
  void shardsWritesOneCsvPerClient() throws Exception {
    Path out = tmp.resolve("shards");
    Result r = run("shards", "--mnist", MNIST, "--sizes", "30,50", "--dirichlet", "0.5", "--seed", "3", "--out",
        out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("shards").asInt()).isEqualTo(2);
    assertThat(r.json().get("partition").asString()).isEqualTo("dirichlet:0.5");
    Dataset one = CsvData.readMnist(out.resolve("client-1.csv.gz"));
    Dataset two = CsvData.readMnist(out.resolve("client-2.csv.gz"));
    assertThat(one.size()).isEqualTo(30);
    assertThat(two.size()).isEqualTo(50);
  }

  @Test
  void trainOnTheFirstSamplesOfMnistEndsWithJson() {
    Result r = run("train", "--mnist", MNIST, "--samples", "500", "--epochs", "2", "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("epoch 1/2", "epoch 2/2");
    JsonNode j = r.json();
    assertThat(j.get("samples").asInt()).isEqualTo(500);
    assertThat(j.get("epochs").asInt()).isEqualTo(2);
    assertThat(j.get("seconds").asDouble()).isPositive();
    assertThat(j.get("samplesPerSecond").asLong()).isPositive();
    assertThat(j.get("testAccuracy").asDouble()).isBetween(0.5, 1.0);
    assertThat(j.get("testLoss").asDouble()).isPositive();
    assertThat(j.get("firstLayer").asString()).as("MNIST scaled x/255 is 81% zeros").isEqualTo("factored");
  }

  @Test
  void trainOnACsvAndTheSameSeedGivesTheSameResult() throws Exception {
    Path out = tmp.resolve("s");
    assertThat(run("shards", "--mnist", MNIST, "--sizes", "300", "--out", out.toString()).code()).isZero();
    String csv = out.resolve("client-1.csv.gz").toString();
    Result a = run("train", "--mnist", MNIST, "--csv", csv, "--epochs", "1", "--batch-size", "4",
        "--learning-rate", "0.05", "--preset", "seed", "--seed", "9");
    Result b = run("train", "--mnist", MNIST, "--csv", csv, "--epochs", "1", "--batch-size", "4",
        "--learning-rate", "0.05", "--preset", "seed", "--seed", "9");
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(a.json().get("samples").asInt()).isEqualTo(300);
    assertThat(a.json().get("preset").asString()).isEqualTo("seed");
    assertThat(a.json().get("firstLayer").asString()).as("(x+10)/255 has no zeros").isEqualTo("dense");
    assertThat(b.json().get("testLoss").asDouble()).isEqualTo(a.json().get("testLoss").asDouble());
  }

  @Test
  void simulateRunsRoundsAndEndsWithJson() {
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "2", "--epochs", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("round 1/2", "round 2/2", "client-1", "client-2");
    JsonNode j = r.json();
    assertThat(j.get("rounds").asInt()).isEqualTo(2);
    assertThat(j.get("clients").asInt()).isEqualTo(2);
    assertThat(j.get("globalTestAccuracy").asDouble()).isBetween(0.5, 1.0);
    assertThat(j.get("globalTestLoss").asDouble()).isPositive();
    assertThat(j.get("seconds").asDouble()).isPositive();
  }

  @Test
  void simulatePersonalizesEverySiteAfterTheRunWhenAsked() {
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--epochs", "1",
        "--personalize-epochs", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("personalized: 2 epochs on each site's own training split");
    JsonNode j = r.json();
    assertThat(j.get("personalizeEpochs").asInt()).isEqualTo(2);
    assertThat(j.get("personalized")).hasSize(2);
    JsonNode site = j.get("personalized").get(1);
    assertThat(site.get("client").asString()).isEqualTo("client-2");
    assertThat(site.get("testSamples").asInt()).isEqualTo(120);
    assertThat(site.get("global").asDouble()).isBetween(0.0, 1.0);
    assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "client-2  global %.2f%%  personalized %.2f%%",
        100 * site.get("global").asDouble(), 100 * site.get("personalized").asDouble()));
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1",
        "--personalize-epochs", "-1").err()).contains("--personalize-epochs must be 0 (none) or more, got -1");
  }

  @Test
  void simulateRunsAsynchronouslyOnTheVirtualClockAndRefusesWhatAsynchronyCannotTake() {
    String[] args = {"simulate", "--mnist", MNIST, "--sizes", "200,400,300", "--rounds", "4", "--epochs", "1",
        "--mode", "async", "--buffer-size", "2", "--client-speeds", "1,1,4", "--target-accuracy", "0.05"};
    Result r = run(args);
    assertThat(r.code()).as(r.err()).isZero();
    // client-1 (140 samples) and client-2 (280) make version 1 at 0.28 simulated s; client-3 (210 at 4 ms) is slow
    assertThat(r.out()).contains("version 1/4").contains("changes client-1 (staleness 0), client-2 (staleness 0)")
        .contains("simulated 0.3 s");
    JsonNode j = r.json();
    assertThat(j.get("mode").asString()).isEqualTo("async");
    assertThat(j.get("simulatedSecondsToTarget").asDouble()).isEqualTo(0.28);
    assertThat(j.get("strategyParameters").get("bufferSize").asString()).isEqualTo("2");
    assertThat(run(args).json().get("globalTestAccuracy")).as("a seed reproduces it").isEqualTo(
        j.get("globalTestAccuracy"));
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--mode", "async",
        "--secure-aggregation").err()).contains("secure aggregation unmasks only the sum");
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--mode", "async",
        "--strategy", "krum").err()).contains("stale changes from older versions are not comparable");
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--buffer-size", "2").err())
        .contains("--buffer-size needs --mode async");
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--client-speeds", "1")
        .err()).contains("--client-speeds gives 1 speeds for 2 clients");
  }

  @Test
  void crossSiteEvaluationScoresEveryModelOnEverySitesTestSplit() {
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--epochs", "1",
        "--partition", "dirichlet:0.1", "--cross-site");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("cross-site evaluation: each site (row) scores each model (column)");
    JsonNode cross = r.json().get("crossSite");
    assertThat(cross.get("models").toString()).isEqualTo("[\"global\",\"client-1\",\"client-2\"]");
    assertThat(cross.get("rows")).hasSize(2);
    JsonNode row = cross.get("rows").get(0);
    assertThat(row.get("site").asString()).isEqualTo("client-1");
    assertThat(row.get("testSamples").asInt()).isEqualTo(60);
    assertThat(row.get("accuracy")).hasSize(3);
    // The global column is the sites' own scores of the final model, as the last round reported them.
    double meanGlobal = (row.get("accuracy").get(0).asDouble() + cross.get("rows").get(1).get("accuracy").get(0)
        .asDouble()) / 2;
    assertThat(meanGlobal).isCloseTo(r.json().get("meanClientTestAccuracy").asDouble(), within(2e-6));
    assertThat(run("simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--cross-site",
        "--secure-aggregation").err()).contains("--cross-site shows each site's local model to the others");
  }

  @Test
  void mnistIsReadThroughCheckedCopiesInTheCacheFolder(@TempDir Path cache) {
    String before = System.getProperty(IdxCache.PROPERTY);
    System.setProperty(IdxCache.PROPERTY, cache.toString());
    try {
      String[] args = {"simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--epochs", "1"};
      Result first = run(args);
      assertThat(first.code()).as(first.err()).isZero();
      for (Mnist.Part part : Mnist.Part.values()) {
        assertThat(cache.resolve(ImageSet.MNIST.imagesSha256(part) + ".idx")).isNotEmptyFile();
        assertThat(cache.resolve(ImageSet.MNIST.labelsSha256(part) + ".idx")).isNotEmptyFile();
      }
      Result again = run(args);
      assertThat(again.json().get("globalTestAccuracy")).isEqualTo(first.json().get("globalTestAccuracy"));
      assertThat(again.json().get("globalTestLoss")).isEqualTo(first.json().get("globalTestLoss"));
    } finally {
      if (before == null) {
        System.clearProperty(IdxCache.PROPERTY);
      } else {
        System.setProperty(IdxCache.PROPERTY, before);
      }
    }
  }

  @Test
  void simulateTakesAStrategyAFractionAndAnAttack() {
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "100,150,200,250", "--rounds", "2", "--epochs", "1",
        "--strategy", "multikrum", "--strategy-param", "byzantine=1", "--strategy-param", "keep=1",
        "--fraction", "0.5", "--byzantine", "1", "--attack", "scale:10", "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("strategy multikrum byzantine=1,keep=1, 2 of 4 clients a round, client-1 attacking "
        + "(scale:10.0)");
    JsonNode j = r.json();
    assertThat(j.get("strategy").asString()).isEqualTo("multikrum");
    assertThat(j.get("strategyParameters").get("byzantine").asString()).isEqualTo("1");
    assertThat(j.get("strategyParameters").get("keep").asString()).isEqualTo("1");
    assertThat(j.get("fraction").asDouble()).isEqualTo(0.5);
    assertThat(j.get("byzantine").asInt()).isEqualTo(1);
    assertThat(j.get("attack").asString()).isEqualTo("scale:10.0");
    assertThat(j.get("clientsPerRound")).hasSize(2);
    for (JsonNode round : j.get("clientsPerRound")) {
      assertThat(round).hasSize(2);
    }
    assertThat(j.get("weightedClientTestAccuracy").asDouble()).isBetween(0.0, 1.0);

    Result prox = run("simulate", "--mnist", MNIST, "--sizes", "100,150", "--rounds", "1", "--epochs", "1",
        "--strategy", "fedprox", "--strategy-param", "mu=0.1");
    assertThat(prox.code()).as(prox.err()).isZero();
    assertThat(prox.json().get("strategyParameters").get("mu").asString()).isEqualTo("0.1");
    assertThat(prox.json().get("clientsPerRound").get(0)).hasSize(2);
    assertThat(prox.json().get("attack").asString()).isEqualTo("none");

    Result bad = run("simulate", "--mnist", MNIST, "--strategy", "fedprox", "--strategy-param", "mu=0.1,foo=2");
    assertThat(bad.err().strip()).isEqualTo("fl simulate: strategy fedprox has no parameter 'foo'; its parameters "
        + "are mu");
  }

  @Test
  void simulateRunsManyClientsUntilATargetAndSaysHowItRan() {
    // 20 clients of 50 samples, label-sorted shards (2 per client), 2 hidden layers, stop at 15% accuracy (the seed
    // reaches it in round 3 of 5).
    Result r = run("simulate", "--mnist", MNIST, "--clients", "20", "--samples-per-client", "50", "--partition",
        "shards:2", "--layers", "784,32,32,10", "--rounds", "5", "--epochs", "1", "--batch-size", "10",
        "--fraction", "0.5", "--train-fraction", "1.0", "--target-accuracy", "0.15", "--learning-rate", "0.05");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("simulating 20 clients (1000 train samples, 50 each; shards:2)", "10 of 20 clients "
        + "trained");
    assertThat(r.out().lines().filter(l -> l.startsWith("round ")))
        .as("one short line a round, no column per client").allSatisfy(l -> assertThat(l).doesNotContain("client-"));
    JsonNode j = r.json();
    assertThat(j.get("clients").asInt()).isEqualTo(20);
    assertThat(j.get("partition").asString()).isEqualTo("shards:2");
    assertThat(j.get("layers").asString()).isEqualTo("784,32,32,10");
    assertThat(j.get("learningRates")).hasSize(3);
    assertThat(j.get("trainFraction").asDouble()).isEqualTo(1.0);
    assertThat(j.get("trainSamples")).hasSize(20).allSatisfy(n -> assertThat(n.asInt()).isEqualTo(50));
    assertThat(j.get("weightedClientTestAccuracy").isNull()).as("no local test splits").isTrue();
    int run = j.get("roundsRun").asInt();
    assertThat(run).as("stopped at the target").isLessThan(5);
    assertThat(r.out()).contains("round " + run + "/5").doesNotContain("round " + (run + 1) + "/5");
    assertThat(j.get("clientsPerRound")).hasSize(run);
    assertThat(j.get("roundsToTarget").asInt()).isEqualTo(run);
    assertThat(j.get("globalTestAccuracy").asDouble()).isGreaterThanOrEqualTo(0.15);
    assertThat(j.get("secondsToTarget").asDouble()).isPositive();

    // Scored clients beyond eight: one line a round with the spread of their scores.
    Result many = run("simulate", "--mnist", MNIST, "--clients", "12", "--samples-per-client", "40", "--partition",
        "dirichlet:0.5", "--rounds", "1", "--epochs", "1");
    assertThat(many.code()).as(many.err()).isZero();
    assertThat(many.out()).containsPattern("round 1/1 .* clients' test accuracy min \\d+\\.\\d+% median "
        + "\\d+\\.\\d+% max \\d+\\.\\d+%, 12 of 12 trained");
    assertThat(many.json().get("partition").asString()).isEqualTo("dirichlet:0.5");
    assertThat(many.json().get("roundsToTarget").isNull()).isTrue();
  }

  /**
   * The most-exposed client's participations, round by round (after round r at index r - 1), from the JSON line's
   * clientsPerRound.
   */
  static int[] busiestAfterEachRound(JsonNode json) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    JsonNode rounds = json.get("clientsPerRound");
    int[] busiest = new int[rounds.size()];
    int max = 0;
    for (int r = 0; r < rounds.size(); r++) {
      for (JsonNode id : rounds.get(r)) {
        max = Math.max(max, counts.merge(id.asString(), 1, Integer::sum));
      }
      busiest[r] = max;
    }
    return busiest;
  }

  /** Epsilon with no amplification: {@code participations} rounds of the Gaussian mechanism (q = 1). */
  static double gaussianEpsilon(double sigma, int participations, double delta) {
    return new dev.fedlearn.federation.privacy.RdpAccountant(1, sigma).spent(participations, delta).epsilon();
  }

  @Test
  void simulateWithDifferentialPrivacyReportsTheMostExposedClientsEpsilonEveryRound() throws Exception {
    Path book = tmp.resolve("dp.xlsx");
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "50,50,50,50,50,50", "--rounds", "4", "--epochs", "1",
        "--fraction", "0.5", "--dp-clip", "0.5", "--dp-noise", "1.1", "--dp-delta", "1e-6", "--out", book.toString());
    assertThat(r.code()).as(r.err()).isZero();
    int[] busiest = busiestAfterEachRound(r.json());
    assertThat(busiest).hasSize(4);
    // The picks are public (the seed's), so no amplification: the busiest client's rounds at q = 1.
    double expected = gaussianEpsilon(1.1, busiest[3], 1e-6);
    assertThat(r.json().get("epsilon").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(r.json().get("maxParticipations").asInt()).isEqualTo(busiest[3]).isGreaterThanOrEqualTo(2);
    assertThat(r.json().get("dpAccountedNoise").asDouble()).isEqualTo(1.1);
    String mostExposed = r.json().get("mostExposedClient").asString();
    assertThat(mostExposed).startsWith("client-");
    double amplified = new dev.fedlearn.federation.privacy.RdpAccountant(0.5, 1.1).spent(4, 1e-6).epsilon();
    assertThat(r.json().get("epsilon").asDouble()).as("what the amplified accountant said").isGreaterThan(amplified);
    assertThat(r.json().get("dpClip").asDouble()).isEqualTo(0.5);
    for (int round = 1; round <= 4; round++) {
      assertThat(r.out()).contains(String.format(Locale.ROOT, "epsilon %.3g (client-", gaussianEpsilon(1.1,
          busiest[round - 1], 1e-6)));
      assertThat(r.out()).containsPattern("round " + round + "/4 .* epsilon [^ ]+ \\(client-\\d+, "
          + busiest[round - 1] + " of " + round + " rounds\\)");
    }
    try (var in = java.nio.file.Files.newInputStream(book);
        var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(in)) {
      var rounds = wb.getSheet(dev.fedlearn.workbook.Workbook.ROUNDS);
      int column = rounds.getRow(0).getLastCellNum() - 1;
      assertThat(rounds.getRow(0).getCell(column).getStringCellValue()).isEqualTo("Epsilon (DP)");
      for (int round = 1; round <= 4; round++) {
        assertThat(rounds.getRow(round + 1).getCell(column).getNumericCellValue()).as("round %d", round)
            .isCloseTo(gaussianEpsilon(1.1, busiest[round - 1], 1e-6), org.assertj.core.data.Offset.offset(1e-9));
      }
    }

    Result alone = run("simulate", "--mnist", MNIST, "--sizes", "100", "--dp-noise", "1");
    assertThat(alone.code()).as("a usage error").isEqualTo(2);
    assertThat(alone.err()).contains("--dp-noise and --dp-delta need --dp-clip");
    Result median = run("simulate", "--mnist", MNIST, "--sizes", "100", "--strategy", "fedmedian", "--dp-clip", "1");
    assertThat(median.code()).isEqualTo(2);
    assertThat(median.err()).contains("fedmedian looks at each update");
  }

  /**
   * DP under secure aggregation: epsilon at the noise of the threshold of clients alone (4 a round, t = 3: sigma x
   * sqrt(3/4)); a bound that could clip the clients' noise is refused before any training.
   */
  @Test
  void simulateWithSecureAggregationAndDpAccountsTheThresholdsNoiseAndRefusesABoundThatClipsIt() {
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "50,50,50,50,50,50,50,50", "--rounds", "2", "--epochs",
        "1", "--fraction", "0.5", "--secure-aggregation", "--dp-clip", "0.5", "--dp-noise", "1.1");
    assertThat(r.code()).as(r.err()).isZero();
    double sigma = 1.1 * Math.sqrt(3.0 / 4);
    assertThat(r.json().get("dpAccountedNoise").asDouble()).isCloseTo(sigma, org.assertj.core.data.Offset.offset(1e-15));
    int[] busiest = busiestAfterEachRound(r.json());
    assertThat(r.json().get("epsilon").asDouble()).isCloseTo(gaussianEpsilon(sigma, busiest[1], 1e-5),
        org.assertj.core.data.Offset.offset(1e-6)).isGreaterThan(gaussianEpsilon(1.1, busiest[1], 1e-5));
    assertThat(r.out()).contains("secagg 4 clients (t=3)");

    // Each of the 4 clients adds noise of 1.1 x 0.5 / 2 = 0.275: the bound must be at least 0.5 + 8 x 0.275 = 2.7.
    Result tight = run("simulate", "--mnist", MNIST, "--sizes", "50,50,50,50,50,50,50,50", "--rounds", "1",
        "--epochs", "1", "--fraction", "0.5", "--secure-aggregation", "--secagg-bound", "2.6", "--dp-clip", "0.5",
        "--dp-noise", "1.1");
    assertThat(tight.code()).as("a usage error").isEqualTo(2);
    assertThat(tight.err()).contains("--secagg-bound) 2.6 would clip the DP noise")
        .contains("at least clip + 8 x that = 2.7").doesNotContain("round 1/1");
    assertThat(tight.out()).doesNotContain("round 1/1");
    Result enough = run("simulate", "--mnist", MNIST, "--sizes", "50,50,50,50,50,50,50,50", "--rounds", "1",
        "--epochs", "1", "--fraction", "0.5", "--secure-aggregation", "--secagg-bound", "2.7", "--dp-clip", "0.5",
        "--dp-noise", "1.1");
    assertThat(enough.code()).as(enough.err()).isZero();
  }

  @Test
  void simulateWritesTheAggregatorsWorkbook() throws Exception {
    Path book = tmp.resolve("run.xlsx");
    Result r = run("simulate", "--mnist", MNIST, "--sizes", "100,150,200", "--rounds", "3", "--epochs", "2",
        "--fraction", "0.67", "--out", book.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).as("no library noise on stderr").isEmpty();
    assertThat(r.json().get("workbook").asString()).isEqualTo(book.toString());
    try (var in = java.nio.file.Files.newInputStream(book);
        var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(in)) {
      var rounds = wb.getSheet(dev.fedlearn.workbook.Workbook.ROUNDS);
      assertThat(rounds.getLastRowNum()).as("header, initial model, 3 rounds").isEqualTo(4);
      assertThat(rounds.getRow(4).getCell(1).getNumericCellValue())
          .isEqualTo(r.json().get("globalTestAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(rounds.getRow(2).getCell(8).getStringCellValue()).as("two of three clients a round").contains(", ")
          .doesNotContain("client-1, client-2, client-3");
      assertThat(wb.getSheet(dev.fedlearn.workbook.Workbook.TRAINING).getLastRowNum()).as("2 a round").isEqualTo(6);
      var curves = wb.getSheet(dev.fedlearn.workbook.Workbook.CURVES);
      assertThat(curves.getLastRowNum()).as("2 clients a round, 2 epochs each").isEqualTo(12);
      assertThat(curves.getRow(2).getCell(2).getNumericCellValue()).as("epoch").isEqualTo(2);
      assertThat(wb.getSheet(dev.fedlearn.workbook.Workbook.EVALUATIONS).getLastRowNum()).as("3 a round")
          .isEqualTo(9);
      assertThat(wb.getSheet(dev.fedlearn.workbook.Workbook.CLIENTS).getLastRowNum()).isEqualTo(3);
      var weights = wb.getSheet(dev.fedlearn.workbook.Workbook.WEIGHTS);
      assertThat(weights.getRow(0).getCell(8).getStringCellValue()).isEqualTo("Round 3");
      assertThat(weights.getLastRowNum()).as("a row per parameter").isEqualTo(16_175);
      var settings = new java.util.HashMap<String, String>();
      var sheet = wb.getSheet(dev.fedlearn.workbook.Workbook.SETTINGS);
      for (int i = 1; i <= sheet.getLastRowNum(); i++) {
        settings.put(sheet.getRow(i).getCell(0).getStringCellValue(), sheet.getRow(i).getCell(1).getStringCellValue());
      }
      assertThat(settings).containsEntry("strategy", "fedavg").containsEntry("fraction", "0.67")
          .containsEntry("state", "COMPLETED after 3 of 3 rounds");
    }
    Result nowhere = run("simulate", "--mnist", MNIST, "--sizes", "100,150", "--rounds", "1", "--epochs", "1",
        "--out", tmp.resolve("no/such/dir/run.xlsx").toString());
    assertThat(nowhere.code()).isEqualTo(1);
    assertThat(nowhere.err().strip()).endsWith("run.xlsx: no such folder for the workbook");
  }

  @Test
  void simulateReadsCsvShards() throws Exception {
    Path out = tmp.resolve("sh");
    assertThat(run("shards", "--mnist", MNIST, "--sizes", "100,150", "--out", out.toString()).code()).isZero();
    Result r = run("simulate", "--mnist", MNIST, "--shards", out.toString(), "--rounds", "1", "--epochs", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("simulating 2 clients (70/105 train samples; from " + out);
    for (String drawing : new String[] {"--sizes", "--dirichlet", "--clients", "--partition"}) {
      Result both = run("simulate", "--mnist", MNIST, "--shards", out.toString(), drawing,
          drawing.equals("--partition") ? "iid" : "1000", "--rounds", "1", "--epochs", "1");
      assertThat(both.code()).as("--shards with " + drawing + " is not ignored").isEqualTo(2);
      assertThat(both.err()).startsWith("fl simulate: --shards uses the shards in");
    }
  }

  @Test
  void badArgumentsGiveOneLineAndExitTwo() {
    for (String[] args : new String[][] {
        {"train", "--epochs", "many"},
        {"train", "--bogus"},
        {"train", "--mnist", MNIST, "--learning-rate", "-1"},
        {"train", "--mnist", MNIST, "--samples", "0"},
        {"train", "--mnist", MNIST, "--preset", "turbo"},
        {"simulate", "--mnist", MNIST, "--sizes", "1,x"},
        {"simulate", "--mnist", MNIST, "--sizes", "50000,50000"},
        {"simulate", "--mnist", MNIST, "--rounds", "0"},
        {"simulate", "--mnist", MNIST, "--strategy", "fedsgd"},
        {"simulate", "--mnist", MNIST, "--strategy", "fedprox", "--strategy-param", "mu=0.1,foo=2"},
        {"simulate", "--mnist", MNIST, "--strategy", "fedprox", "--strategy-param", "mu=x"},
        {"simulate", "--mnist", MNIST, "--strategy", "fedprox", "--strategy-param", "mu=1", "--strategy-param",
            "mu=2"},
        {"simulate", "--mnist", MNIST, "--fraction", "0"},
        {"simulate", "--mnist", MNIST, "--fraction", "1.5"},
        {"simulate", "--mnist", MNIST, "--min-clients", "0"},
        {"simulate", "--mnist", MNIST, "--byzantine", "1"},
        {"simulate", "--mnist", MNIST, "--attack", "signflip"},
        {"simulate", "--mnist", MNIST, "--byzantine", "1", "--attack", "flip"},
        {"simulate", "--mnist", MNIST, "--byzantine", "1", "--attack", "scale"},
        {"simulate", "--mnist", MNIST, "--sizes", "100,100", "--byzantine", "3", "--attack", "signflip"},
        {"simulate", "--mnist", MNIST, "--clients", "0"},
        {"simulate", "--mnist", MNIST, "--clients", "2", "--sizes", "100,100"},
        {"simulate", "--mnist", MNIST, "--samples-per-client", "100"},
        {"simulate", "--mnist", MNIST, "--clients", "3", "--samples-per-client", "1"},
        {"simulate", "--mnist", MNIST, "--partition", "shards"},
        {"simulate", "--mnist", MNIST, "--partition", "pathological"},
        {"simulate", "--mnist", MNIST, "--partition", "dirichlet:0.5", "--dirichlet", "0.5"},
        {"simulate", "--mnist", MNIST, "--sizes", "100,200", "--partition", "shards:2"},
        {"simulate", "--mnist", MNIST, "--target-accuracy", "1.5"},
        {"simulate", "--mnist", MNIST, "--train-fraction", "0"},
        {"shards", "--mnist", MNIST, "--sizes", "1"},
        {"shards", "--mnist", MNIST, "--clients", "4", "--partition", "shards:0"},
        {"nonsense"}}) {
      Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + " -> " + r.err()).isEqualTo(2);
      assertThat(r.err().strip()).as(String.join(" ", args)).doesNotContain("\n").doesNotContain("\tat ")
          .startsWith("fl");
    }
  }

  @Test
  void unreadableFilesGiveOneLineAndExitOne() throws Exception {
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "label,p0\n1,x\n");
    Result r = run("train", "--mnist", MNIST, "--csv", bad.toString(), "--test-csv", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n").contains(bad + ": line 2, column 'p0': 'x' is not a number");
    Result missing = run("train", "--mnist", tmp.resolve("nowhere").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip()).doesNotContain("\n").contains("no MNIST file");
  }

  @Test
  void aMissingInputExitsOneInEveryCommand() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("folder"));
    Path file = Files.writeString(tmp.resolve("file.txt"), "x");
    String nowhere = tmp.resolve("nowhere").toString();
    for (String[] args : new String[][] {
        {"train", "--mnist", MNIST, "--csv", nowhere + ".csv"},
        {"train", "--mnist", MNIST, "--csv", folder.toString()},
        {"train", "--mnist", nowhere},
        {"simulate", "--mnist", MNIST, "--shards", nowhere},
        {"simulate", "--mnist", MNIST, "--shards", file.toString()},
        {"simulate", "--mnist", MNIST, "--shards", folder.toString()},
        {"simulate", "--mnist", nowhere},
        {"shards", "--mnist", nowhere}}) {
      Result r = run(args);
      String what = String.join(" ", args) + " -> " + r.err();
      assertThat(r.code()).as(what).isEqualTo(1);
      assertThat(r.err()).as(what).endsWith("\n").startsWith("fl " + args[0] + ": ");
      assertThat(r.err().strip()).as(what).doesNotContain("\n").contains(args[args.length - 1]);
    }
  }

  @Test
  void aFileThatIsNotGzipOrNotTextGivesOneCleanLine() throws Exception {
    Path notGzip = Files.writeString(tmp.resolve("x.csv.gz"), "label,p0\n1,2\n");
    Path binary = Files.write(tmp.resolve("y.csv"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, '\n', 3, 0});
    Path corrupt = Files.write(tmp.resolve("z.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 'x', 'x', 'x', 'x', 'x', 'x'});
    Path truncated = tmp.resolve("t.csv.gz");
    try (var gz = new GZIPOutputStream(Files.newOutputStream(truncated))) {
      gz.write("label".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    byte[] whole = Files.readAllBytes(truncated);
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 6));
    Map<Path, String> expected = Map.of(notGzip, notGzip + ": not a gzip file", binary, binary + ": not a CSV text file",
        corrupt, corrupt + ": corrupt gzip data", truncated, truncated + ": corrupt gzip data");
    for (var e : expected.entrySet()) {
      Result r = run("train", "--mnist", MNIST, "--csv", e.getKey().toString());
      assertThat(r.code()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).as(r.err()).startsWith("fl train: " + e.getValue()).endsWith("\n")
          .matches("[\\x20-\\x7e]*\n");
    }
  }

  @Test
  void helpListsTheExitCodes() {
    for (String[] args : new String[][] {{"shards", "--help"}, {"train", "--help"}, {"simulate", "--help"},
        {"--help"}}) {
      assertThat(run(args).out().replaceAll("\\s+", " ")).as(args[0])
          .contains("Exit codes: 0 done 1 an input file is missing, unreadable or corrupt, or the run failed "
              + "2 bad arguments");
    }
  }

  @Test
  void anErrorLineIsPrintableAndShort() {
    assertThat(Main.oneLine("a\nb\r\tc\u0000\u0007\u007f\ufffd \u00e9")).isEqualTo("a b  c???? \u00e9");
    assertThat(Main.oneLine("x".repeat(1000))).isEqualTo("x".repeat(Main.MAX_LINE) + "...");
    assertThat(Main.oneLine("x".repeat(Main.MAX_LINE))).isEqualTo("x".repeat(Main.MAX_LINE));
  }

  @Test
  void progressAndJsonUseDotsWhateverTheLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      Result t = run("train", "--mnist", MNIST, "--samples", "300", "--epochs", "1", "--threads", "1");
      assertThat(t.code()).as(t.err()).isZero();
      assertThat(t.err()).containsPattern("epoch 1/1  loss \\d+\\.\\d{4}  accuracy \\d+\\.\\d{2}%  \\d+\\.\\d{3} s");
      assertThat(t.out()).containsPattern("\"testAccuracy\":0\\.\\d+");
      Result s = run("simulate", "--mnist", MNIST, "--sizes", "100,100", "--rounds", "1", "--epochs", "1");
      assertThat(s.code()).as(s.err()).isZero();
      assertThat(s.out()).containsPattern("round 1/1  global test accuracy \\d+\\.\\d{2}%  loss \\d+\\.\\d{4}  \\|  "
          + "client-1 \\d+\\.\\d{2}%  client-2 \\d+\\.\\d{2}%  \\(\\d+\\.\\d s\\)");
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void everyDefaultComesFromDefaults() {
    CommandLine fl = new CommandLine(new Main());
    Map<String, Map<String, String>> defaults = Map.of(
        "train", Map.of("--epochs", Defaults.LOCAL_EPOCHS, "--batch-size", Defaults.BATCH_SIZE,
            "--momentum", Defaults.MOMENTUM, "--seed", Defaults.SEED, "--preset", Defaults.PRESET,
            "--label-column", Defaults.LABEL_COLUMN, "--dataset", Defaults.DATASET),
        "simulate", Map.ofEntries(Map.entry("--epochs", Defaults.LOCAL_EPOCHS),
            Map.entry("--batch-size", Defaults.BATCH_SIZE),
            Map.entry("--momentum", Defaults.MOMENTUM),
            Map.entry("--seed", Defaults.SEED),
            Map.entry("--preset", Defaults.PRESET),
            Map.entry("--label-column", Defaults.LABEL_COLUMN),
            Map.entry("--rounds", Defaults.ROUNDS),
            Map.entry("--train-fraction", Defaults.TRAIN_FRACTION),
            Map.entry("--sizes", Defaults.CLIENT_SIZES),
            Map.entry("--strategy", Defaults.STRATEGY),
            Map.entry("--fraction", Defaults.CLIENT_FRACTION),
            Map.entry("--dataset", Defaults.DATASET)),
        "shards", Map.of("--seed", Defaults.SEED, "--sizes", Defaults.CLIENT_SIZES, "--dataset", Defaults.DATASET),
        "evaluate", Map.of("--dataset", Defaults.DATASET));
    defaults.forEach((cmd, options) -> {
      var spec = fl.getSubcommands().get(cmd).getCommandSpec();
      String help = run(cmd, "--help").out().replaceAll("\\s+", " ");
      options.forEach((option, value) -> {
        assertThat(spec.findOption(option).defaultValue()).as(cmd + " " + option).isEqualTo(value);
        assertThat(help).as(cmd + " --help").contains("(default: " + value + ")");
      });
    });
  }
}
