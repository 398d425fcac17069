package dev.fedlearn.cli;

import static dev.fedlearn.cli.CliTest.MNIST;
import static dev.fedlearn.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.cli.CliTest.Result;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SafeTensors;
import dev.fedlearn.protocol.TrainingPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code fl simulate --save-model}, {@code fl train --save-model}, {@code fl evaluate} and {@code fl predict}, run in
 * process: a saved model scores as its run said it did, in both forms; the confusion matrix and the predictions agree
 * with the scores and with each other; every bad input is one line and the usual exit code.
 */
class EvaluatePredictTest {
  @TempDir
  static Path tmp;

  static final String TEST_IMAGES = Path.of(MNIST, "t10k-images-idx3-ubyte.gz").toString();

  /** One small simulation's JSON line and its final model in both forms. */
  static JsonNode simulated;
  static Path safetensors;
  static Path json;
  static Dataset test;

  @BeforeAll
  static void simulateTwiceSavingTheModelInEachForm() throws Exception {
    safetensors = tmp.resolve("model.safetensors");
    json = tmp.resolve("model.json");
    String[] args = {"simulate", "--mnist", MNIST, "--sizes", "200,400", "--rounds", "1", "--epochs", "1",
        "--save-model"};
    Result a = run(append(args, safetensors.toString()));
    Result b = run(append(args, json.toString()));
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(b.code()).as(b.err()).isZero();
    simulated = a.json();
    assertThat(b.json().get("globalTestLoss")).isEqualTo(simulated.get("globalTestLoss"));
    assertThat(simulated.get("model").asString()).isEqualTo(safetensors.toString());
    test = Mnist.load(Path.of(MNIST), Mnist.Part.TEST);
  }

  private static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void bothFormsHoldTheFinalGlobalModelAsTheAggregatorServesIt() throws Exception {
    GlobalModel binary = SafeTensors.globalModel(Files.readAllBytes(safetensors));
    ModelFile.Loaded fromJson = ModelFile.read(json, null);
    assertThat(fromJson.global()).isEqualTo(binary);
    assertThat(binary.round()).isEqualTo(1);
    assertThat(binary.rounds()).isEqualTo(1);
    assertThat(binary.state()).isEqualTo(RunState.COMPLETED);
    assertThat(binary.layerSizes()).containsExactly(784, 20, 15, 10);
    assertThat(binary.plan().preset()).isEqualTo("default");
    assertThat(binary.plan().epochs()).isEqualTo(1);
    assertThat(fromJson.format()).isEqualTo(ModelFile.Format.JSON);
    assertThat(ModelFile.read(safetensors, null).format()).isEqualTo(ModelFile.Format.SAFETENSORS);
  }

  @Test
  void evaluateReproducesTheRunsScoresInBothForms() {
    for (Path model : List.of(safetensors, json)) {
      Result r = run("evaluate", "--mnist", MNIST, "--model", model.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).isEmpty();
      JsonNode j = r.json();
      assertThat(j.get("accuracy").asDouble()).as(model.toString())
          .isEqualTo(simulated.get("globalTestAccuracy").asDouble());
      assertThat(j.get("loss").asDouble()).as(model.toString()).isEqualTo(simulated.get("globalTestLoss").asDouble());
      assertThat(j.get("samples").asInt()).isEqualTo(10_000);
      assertThat(j.get("model").asString()).isEqualTo(model.toString());
      long[][] confusion = confusion(j);
      // Rows are the true labels: each sums to that digit's count in the test set.
      int[] digits = test.labelCounts();
      long diagonal = 0;
      for (int c = 0; c < 10; c++) {
        assertThat(Arrays.stream(confusion[c]).sum()).as("row " + c).isEqualTo(digits[c]);
        diagonal += confusion[c][c];
      }
      assertThat(diagonal).isEqualTo(j.get("correct").asLong());
      assertThat(Json.round(diagonal / 10_000.0, 6)).isEqualTo(j.get("accuracy").asDouble());
      assertThat(r.out()).containsPattern("accuracy \\d+\\.\\d{2}% \\(" + diagonal + " of 10000\\)  loss \\d\\.\\d{4}")
          .contains("confusion matrix (rows: true label, columns: predicted):");
    }
  }

  @Test
  void predictGivesOneLabelALineThatAgreeWithTheConfusionMatrix() throws Exception {
    Result p = run("predict", "--model", safetensors.toString(), "--images", TEST_IMAGES);
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(p.err()).isEmpty();
    int[] predicted = labels(p.out());
    assertThat(predicted).hasSize(10_000);
    // The counts of each predicted digit are the confusion matrix's column sums.
    long[][] confusion = confusion(run("evaluate", "--mnist", MNIST, "--model", json.toString()).json());
    for (int c = 0; c < 10; c++) {
      int column = c;
      assertThat(Arrays.stream(predicted).filter(x -> x == column).count()).as("digit " + c)
          .isEqualTo(Arrays.stream(confusion).mapToLong(row -> row[column]).sum());
    }
    // And the labels they hit are the matrix's diagonal.
    long hits = IntStream.range(0, predicted.length).filter(i -> predicted[i] == test.label(i)).count();
    assertThat(hits).isEqualTo(IntStream.range(0, 10).mapToLong(c -> confusion[c][c]).sum());
    assertThat(run("predict", "--model", json.toString(), "--images", TEST_IMAGES).out()).isEqualTo(p.out());
  }

  @Test
  void csvImagesWithOrWithoutLabelsPredictAsTheIdxImagesDo() throws Exception {
    Dataset head = test.head(300);
    Path labelled = tmp.resolve("head.csv.gz");
    CsvData.write(labelled, head);
    Path pixels = tmp.resolve("pixels.csv");
    Files.writeString(pixels, IntStream.range(0, head.size()).mapToObj(i -> IntStream.range(0, 784)
        .mapToObj(j -> Integer.toString(head.pixel(i, j))).collect(Collectors.joining(",")))
        .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.US_ASCII);
    int[] all = labels(run("predict", "--model", safetensors.toString(), "--images", TEST_IMAGES).out());
    for (Path csv : List.of(labelled, pixels)) {
      Result r = run("predict", "--model", safetensors.toString(), "--csv", csv.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(labels(r.out())).as(csv.toString()).containsExactly(Arrays.copyOf(all, 300));
    }
    Result e = run("evaluate", "--model", safetensors.toString(), "--csv", labelled.toString());
    assertThat(e.code()).as(e.err()).isZero();
    long hits = IntStream.range(0, 300).filter(i -> all[i] == head.label(i)).count();
    assertThat(e.json().get("samples").asInt()).isEqualTo(300);
    assertThat(e.json().get("correct").asLong()).isEqualTo(hits);
    assertThat(e.json().get("data").asString()).isEqualTo(labelled.toString());
  }

  @Test
  void trainSavesItsModelWithItsPresetsScaling() throws Exception {
    Path model = tmp.resolve("seed.json");
    Result t = run("train", "--mnist", MNIST, "--samples", "300", "--epochs", "1", "--preset", "seed",
        "--save-model", model.toString());
    assertThat(t.code()).as(t.err()).isZero();
    Result e = run("evaluate", "--mnist", MNIST, "--model", model.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.json().get("preset").asString()).isEqualTo("seed");
    assertThat(e.json().get("accuracy").asDouble()).isEqualTo(t.json().get("testAccuracy").asDouble());
    assertThat(e.json().get("loss").asDouble()).isEqualTo(t.json().get("testLoss").asDouble());
    Result other = run("evaluate", "--mnist", MNIST, "--model", model.toString(), "--preset", "default");
    assertThat(other.json().get("loss").asDouble()).as("(x+10)/255 is not x/255")
        .isNotEqualTo(e.json().get("loss").asDouble());
  }

  @Test
  void bareSafetensorsWithoutMetadataReadAsTheirTensors() throws Exception {
    GlobalModel saved = SafeTensors.globalModel(Files.readAllBytes(safetensors));
    Path bare = tmp.resolve("bare.weights");
    Files.write(bare, SafeTensors.encode(Map.of(), LayerSizes.of(saved.layerSizes()), saved.weights()));
    Result r = run("evaluate", "--mnist", MNIST, "--model", bare.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("round").isNull()).isTrue();
    assertThat(r.json().get("accuracy").asDouble()).isEqualTo(simulated.get("globalTestAccuracy").asDouble());
  }

  @Test
  void everyBadInputIsOneLineWithTheUsualExitCode() throws Exception {
    byte[] whole = Files.readAllBytes(safetensors);
    Path truncated = Files.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length - 4));
    Path cutJson = Files.writeString(tmp.resolve("cut.json"), Files.readString(json).substring(0, 500));
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hello\n");
    Path wide = tmp.resolve("wide.json");
    ModelFile.write(wide, GlobalModel.of(1, 1, RunState.COMPLETED, Model.initialise(LayerSizes.of(784, 12),
        Preset.DEFAULT, 1), TrainingPlan.of(TrainingConfig.defaults())), "--save-model");
    float[] nan = new float[LayerSizes.of(784, 10).parameterCount()];
    nan[5] = Float.NaN;
    Path diverged = Files.write(tmp.resolve("nan.safetensors"), SafeTensors.encode(Map.of(), LayerSizes.of(784, 10),
        nan));
    Path pixelsOnly = Files.writeString(tmp.resolve("p.csv"), "0,".repeat(783) + "0\n");
    Path ragged = Files.writeString(tmp.resolve("r.csv"), "1," + "0,".repeat(783) + "0\n0,0\n");
    Path narrow = Files.writeString(tmp.resolve("n.csv"), "1,2,3\n");
    String model = safetensors.toString();
    String nowhere = tmp.resolve("nowhere").toString();
    Map<List<String>, String> failed = Map.ofEntries(
        Map.entry(List.of("evaluate", "--model", nowhere), nowhere + ": no such file"),
        Map.entry(List.of("evaluate", "--model", tmp.toString()), tmp + ": a folder, not a file"),
        Map.entry(List.of("evaluate", "--model", truncated.toString()), truncated + ": not a model file (safetensors:"),
        Map.entry(List.of("evaluate", "--model", cutJson.toString()), cutJson + ": not a model's JSON"),
        Map.entry(List.of("predict", "--model", text.toString(), "--images", TEST_IMAGES), text
            + ": not a model file: neither JSON nor safetensors"),
        Map.entry(List.of("evaluate", "--model", diverged.toString()), diverged + ": the model has NaN or infinite "
            + "weights"),
        Map.entry(List.of("evaluate", "--model", wide.toString()), wide + ": the model is 784,12, it takes 784 inputs "
            + "and gives 12 classes"),
        Map.entry(List.of("predict", "--model", wide.toString(), "--images", TEST_IMAGES), wide + ": the model is"),
        Map.entry(List.of("evaluate", "--model", model, "--csv", pixelsOnly.toString()), pixelsOnly + ": 784 columns, "
            + "pixels without labels"),
        Map.entry(List.of("predict", "--model", model, "--csv", ragged.toString()), ragged + ": line 2 has 2 columns"),
        Map.entry(List.of("predict", "--model", model, "--csv", narrow.toString()), narrow + ": line 1 has 3 columns"),
        Map.entry(List.of("predict", "--model", model, "--csv", nowhere), nowhere + ": no such file"),
        Map.entry(List.of("predict", "--model", model, "--images", Path.of(MNIST, "t10k-labels-idx1-ubyte.gz")
            .toString()), "idx data of shape [10000], not images"),
        Map.entry(List.of("simulate", "--mnist", MNIST, "--rounds", "1", "--save-model", nowhere + "/m.json"),
            nowhere + "/m.json: no such folder for the model"));
    failed.forEach((args, message) -> expect(args, 1, message));
    Map<List<String>, String> usage = Map.of(
        List.of("predict", "--model", model), "give the images: --images FILE (idx) or --csv FILE",
        List.of("predict", "--model", model, "--images", TEST_IMAGES, "--csv", TEST_IMAGES), "give the images one "
            + "way: --images or --csv, not both",
        List.of("predict", "--images", TEST_IMAGES), "Missing required option: '--model=FILE'",
        List.of("evaluate", "--model", model, "--preset", "turbo"), "--preset: unknown preset 'turbo'",
        List.of("simulate", "--mnist", MNIST, "--rounds", "1", "--save-model", tmp.resolve("m.bin").toString()),
        "--save-model " + tmp.resolve("m.bin") + ": the name must end in .safetensors or .json",
        List.of("train", "--mnist", MNIST, "--save-model", tmp.resolve("model").toString()), "--save-model "
            + tmp.resolve("model") + ": the name must end in .safetensors or .json");
    usage.forEach((args, message) -> expect(args, 2, message));
    assertThat(tmp.resolve("m.bin")).doesNotExist();
  }

  @Test
  void theNewCommandsHaveHelpAndAreListed() {
    assertThat(run("--help").out()).contains("evaluate", "predict");
    for (String cmd : List.of("evaluate", "predict")) {
      Result r = run(cmd, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out().replaceAll("\\s+", " ")).contains("Usage: fl " + cmd, "--model", "--preset",
          "785 columns are a label 0..9 then 784 pixels", "Exit codes: 0 done 1 an input file is missing");
    }
    assertThat(run("simulate", "--help").out()).contains("--save-model");
    assertThat(run("train", "--help").out()).contains("--save-model");
  }

  /** Runs {@code args}, which must fail with {@code code} and one line on stderr containing {@code message}. */
  private static void expect(List<String> args, int code, String message) {
    Result r = run(args.toArray(String[]::new));
    String what = String.join(" ", args) + " -> " + r.err();
    assertThat(r.code()).as(what).isEqualTo(code);
    assertThat(r.out()).as(what).isEmpty();
    assertThat(r.err()).as(what).startsWith("fl " + args.get(0) + ": ").contains(message).endsWith("\n");
    assertThat(r.err().strip()).as(what).doesNotContain("\n").doesNotContain("\tat ").doesNotContain("Exception");
  }

  /** The labels predict printed: one digit a line, every line ended, nothing else. */
  private static int[] labels(String out) {
    assertThat(out.isEmpty() || out.endsWith("\n")).as("the last line ends").isTrue();
    List<String> lines = out.lines().toList();
    assertThat(lines).allMatch(line -> line.matches("[0-9]"));
    return lines.stream().mapToInt(Integer::parseInt).toArray();
  }

  private static long[][] confusion(JsonNode j) {
    JsonNode rows = j.get("confusion");
    assertThat(rows.size()).isEqualTo(10);
    long[][] m = new long[10][10];
    for (int r = 0; r < 10; r++) {
      assertThat(rows.get(r).size()).isEqualTo(10);
      for (int c = 0; c < 10; c++) {
        m[r][c] = rows.get(r).get(c).asLong();
      }
    }
    return m;
  }
}
