package dev.fedlearn.cli;

import static dev.fedlearn.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The commands on a table: the shipped breast cancer data split by {@code fl shards --csv}, trained federated by
 * {@code fl simulate --shards}, centrally and per site by {@code fl train --shards}, and its model used by
 * {@code fl evaluate} and {@code fl predict}.
 */
class TablesCliTest {
  static final String TABLE = Path.of(System.getProperty("fl.data.dir", "../data"), "breast-cancer.csv").toString();
  static final String[] TRAINING = {"--epochs", "3", "--batch-size", "8", "--hidden", "8", "--learning-rate", "0.01"};

  @TempDir
  Path tmp;

  private static String[] with(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  @Test
  void aTableIsSplitTrainedFederatedAndCentrallyAndItsModelUsed() throws Exception {
    Path shards = tmp.resolve("hospitals");
    CliTest.Result split = run("shards", "--csv", TABLE, "--label-column", "diagnosis", "--clients", "3",
        "--partition", "dirichlet:1", "--out", shards.toString());
    assertThat(split.code()).as(split.err()).isZero();
    assertThat(split.json().get("samples").asInt()).as("every row shared out").isEqualTo(569);
    assertThat(split.json().get("classes")).extracting(JsonNode::asString).containsExactly("benign", "malignant");
    assertThat(Files.readAllLines(shards.resolve("client-1.csv")).get(0)).startsWith("diagnosis,mean_radius,");
    assertThat(shards.resolve("schema.json")).exists();

    Path model = tmp.resolve("model.json");
    CliTest.Result simulated = run(with(new String[] {"simulate", "--shards", shards.toString(), "--rounds", "3",
        "--save-model", model.toString()}, TRAINING));
    assertThat(simulated.code()).as(simulated.err()).isZero();
    JsonNode json = simulated.json();
    assertThat(json.get("layers").asString()).isEqualTo("30,8,2");
    assertThat(json.get("scoredBy").asString()).isEqualTo("clients");
    assertThat(json.get("globalTestAccuracy").asDouble()).as("scored by the clients: their weighted accuracy")
        .isEqualTo(json.get("weightedClientTestAccuracy").asDouble()).isGreaterThan(0.85);
    long confused = 0;
    for (JsonNode row : json.get("confusion")) {
      for (JsonNode n : row) {
        confused += n.asLong();
      }
    }
    assertThat(confused).as("the clients' test rows, every one counted once")
        .isEqualTo(569 - sum(json.get("trainSamples")));
    assertThat(simulated.out()).contains("clients' test accuracy");

    CliTest.Result central = run(with(new String[] {"train", "--shards", shards.toString()}, TRAINING));
    CliTest.Result site = run(with(new String[] {"train", "--shards", shards.toString(), "--site", "client-2"},
        TRAINING));
    assertThat(central.code()).as(central.err()).isZero();
    assertThat(site.code()).as(site.err()).isZero();
    assertThat(central.json().get("samples").asInt()).isEqualTo(sum(json.get("trainSamples")));
    assertThat(site.json().get("samples").asInt()).isEqualTo(json.get("trainSamples").get(1).asInt());
    assertThat(site.json().get("testSamples")).isEqualTo(central.json().get("testSamples"));
    assertThat(site.json().has("siteTestAccuracy")).isTrue();

    CliTest.Result scored = run("evaluate", "--model", model.toString(), "--csv", TABLE);
    assertThat(scored.code()).as(scored.err()).isZero();
    assertThat(scored.json().get("samples").asInt()).isEqualTo(569);
    assertThat(scored.out()).contains("benign", "malignant");
    Path rows = tmp.resolve("rows.csv"); // the features only, in another order than the training files'
    List<String> lines = Files.readAllLines(Path.of(TABLE)).subList(0, 4).stream()
        .map(l -> l.substring(l.indexOf(',') + 1)).toList();
    Files.write(rows, lines);
    CliTest.Result predicted = run("predict", "--model", model.toString(), "--csv", rows.toString());
    assertThat(predicted.code()).as(predicted.err()).isZero();
    assertThat(predicted.out().strip().split("\n")).hasSize(3).allMatch(l -> l.equals("benign")
        || l.equals("malignant"));
    CliTest.Result noRows = run("evaluate", "--model", model.toString());
    assertThat(noRows.code()).isEqualTo(2);
    assertThat(noRows.err()).contains("the model learnt from a table").doesNotContain("\tat ");
  }

  @Test
  void aShardThatDoesNotParseIsOneLineNamingTheFileLineAndColumn() throws Exception {
    Path shards = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(shards.resolve("client-1.csv"), "y,a\nx,1\nz,2\n");
    Files.writeString(shards.resolve("client-2.csv"), "y,a\nx,1\nz,NaN\n");
    CliTest.Result r = run("simulate", "--shards", shards.toString(), "--label-column", "y", "--rounds", "1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n")
        .contains(shards.resolve("client-2.csv") + ": line 3, column 'a': NaN is not a finite number");
  }

  private static int sum(JsonNode numbers) {
    int total = 0;
    for (JsonNode n : numbers) {
      total += n.asInt();
    }
    return total;
  }
}
