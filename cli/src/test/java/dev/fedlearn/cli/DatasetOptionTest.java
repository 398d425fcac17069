package dev.fedlearn.cli;

import static dev.fedlearn.cli.CliTest.MNIST;
import static dev.fedlearn.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.cli.CliTest.Result;
import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.IdxCache;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** {@code --dataset}: which image dataset the commands draw, train and score on, and which the run is said to be on. */
class DatasetOptionTest {
  static final String FASHION = Path.of(System.getProperty("fl.data.dir", "../data"), "fashion-mnist").toString();

  @TempDir
  Path tmp;

  @Test
  void theFolderIsDataSlashTheIdUnlessMnistNamesOne() {
    ShardsCommand shards = new ShardsCommand();
    new CommandLine(shards).parseArgs();
    assertThat(shards.data.dataset).isEqualTo(ImageSet.MNIST);
    assertThat(shards.data.dir()).isEqualTo(Path.of("data", "mnist"));
    new CommandLine(shards = new ShardsCommand()).parseArgs("--dataset", "fashion-mnist");
    assertThat(shards.data.dataset).isEqualTo(ImageSet.FASHION_MNIST);
    assertThat(shards.data.dir()).isEqualTo(Path.of("data", "fashion-mnist"));
    new CommandLine(shards = new ShardsCommand()).parseArgs("--dataset", "fashion-mnist", "--mnist", "/x/images");
    assertThat(shards.data.dir()).isEqualTo(Path.of("/x/images"));
  }

  @Test
  void anUnknownDatasetIsABadArgumentAndTheWrongFolderIsNamed(@TempDir Path cache) {
    Result r = run("simulate", "--dataset", "cifar");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err().strip()).isEqualTo("fl simulate: Invalid value for option '--dataset': unknown image dataset "
        + "'cifar': expected one of mnist, fashion-mnist (see 'fl simulate --help')");
    String before = System.getProperty(IdxCache.PROPERTY);
    System.setProperty(IdxCache.PROPERTY, cache.toString());
    try {
      // Fashion-MNIST's copies are kept; they do not stand for MNIST's files, which are refused by name.
      Result right = run("train", "--dataset", "fashion-mnist", "--mnist", FASHION, "--samples", "10", "--epochs", "1");
      assertThat(right.code()).as(right.err()).isZero();
      assertThat(cache.resolve(ImageSet.FASHION_MNIST.imagesSha256(Mnist.Part.TRAIN) + ".idx")).isNotEmptyFile();
      Result wrong = run("train", "--dataset", "fashion-mnist", "--mnist", MNIST, "--samples", "10");
      assertThat(wrong.code()).isEqualTo(Main.FAILED);
      assertThat(wrong.err()).startsWith("fl train: ").contains("checksum mismatch")
          .contains("(this is MNIST's file, not Fashion-MNIST's)");
    } finally {
      if (before == null) {
        System.clearProperty(IdxCache.PROPERTY);
      } else {
        System.setProperty(IdxCache.PROPERTY, before);
      }
    }
  }

  @Test
  void simulateOnFashionMnistScoresOnItsTestSetAndItsRunSaysFashionMnist() throws Exception {
    Path model = tmp.resolve("model.json");
    Path workbook = tmp.resolve("run.xlsx");
    Result f = run("simulate", "--dataset", "fashion-mnist", "--mnist", FASHION, "--sizes", "200,200", "--rounds",
        "1", "--epochs", "1", "--save-model", model.toString(), "--out", workbook.toString());
    assertThat(f.code()).as(f.err()).isZero();
    JsonNode fashion = f.json();
    assertThat(fashion.get("dataset").asString()).isEqualTo("fashion-mnist");
    try (XSSFWorkbook wb = new XSSFWorkbook(workbook.toFile())) {
      boolean said = false;
      for (Row row : wb.getSheet("Settings")) {
        said |= row.getCell(0).getStringCellValue().equals("dataset")
            && row.getCell(1).getStringCellValue().equals("fashion-mnist");
      }
      assertThat(said).as("the workbook's Settings say dataset fashion-mnist").isTrue();
    }
    // The same run on MNIST is another run, scored on another test set.
    Result m = run("simulate", "--mnist", MNIST, "--sizes", "200,200", "--rounds", "1", "--epochs", "1");
    assertThat(m.code()).as(m.err()).isZero();
    assertThat(m.json().get("dataset").asString()).isEqualTo("mnist");
    assertThat(m.json().get("globalTestLoss")).isNotEqualTo(fashion.get("globalTestLoss"));
    // fl evaluate on Fashion-MNIST's test set gives the run's own score.
    Result e = run("evaluate", "--dataset", "fashion-mnist", "--mnist", FASHION, "--model", model.toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.json().get("data").asString()).isEqualTo("fashion-mnist-test");
    assertThat(e.json().get("samples").asInt()).isEqualTo(10_000);
    assertThat(e.json().get("accuracy").asDouble()).isEqualTo(fashion.get("globalTestAccuracy").asDouble());
    assertThat(e.json().get("loss").asDouble()).isEqualTo(fashion.get("globalTestLoss").asDouble());
    assertThat(e.out()).contains("data Fashion-MNIST test set in " + FASHION + ": 10000 images");
  }

  @Test
  void shardsAndTrainDrawFromFashionMnistsTrainingSet() throws Exception {
    Path out = tmp.resolve("shards");
    Result s = run("shards", "--dataset", "fashion-mnist", "--mnist", FASHION, "--sizes", "1000", "--out",
        out.toString());
    assertThat(s.code()).as(s.err()).isZero();
    // The committed shards were drawn with seed 42 from the same training set, so client-1's are these.
    Dataset drawn = CsvData.readMnist(out.resolve("client-1.csv.gz"));
    Dataset committed = CsvData.readMnist(Path.of(FASHION).resolveSibling("shards-fashion-mnist")
        .resolve("client-1.csv.gz"));
    assertThat(drawn.features(0)).isEqualTo(committed.features(0));
    assertThat(Arrays.stream(drawn.labelCounts()).sum()).isEqualTo(1000);
    Result t = run("train", "--dataset", "fashion-mnist", "--mnist", FASHION, "--samples", "300", "--epochs", "1",
        "--threads", "1");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.json().get("data").asString()).isEqualTo("fashion-mnist");
    // The shards say which dataset they are: simulate scores them on its test set, and refuses another.
    assertThat(out.resolve(DataOptions.DATASET_FILE)).hasContent("fashion-mnist");
    Result followed = run("simulate", "--shards", out.toString(), "--mnist", FASHION, "--rounds", "1", "--epochs",
        "1", "--train-fraction", "0.5");
    assertThat(followed.code()).as(followed.err()).isZero();
    assertThat(followed.json().get("dataset").asString()).isEqualTo("fashion-mnist");
    Result other = run("simulate", "--shards", out.toString(), "--dataset", "mnist", "--rounds", "1");
    assertThat(other.code()).isEqualTo(2);
    assertThat(other.err()).contains("are fashion-mnist's").contains("the other dataset's test set");
  }
}
