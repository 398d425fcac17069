package dev.fedlearn.cli;

import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fl predict}: reads a model file ({@link ModelFile}) and images ({@link Images}: idx or CSV) and prints each
 * image's predicted digit ({@link Predictions}) on a line of its own, in the images' order, and nothing else on
 * stdout, so that its output can be piped.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = {"Print the digit a trained model (--model) predicts for each image, one a line, in the images' "
        + "order, and nothing else on stdout (no JSON line, unlike the other commands), so that it pipes. The images: "
        + "an idx file (--images, e.g. MNIST's t10k-images-idx3-ubyte.gz) or a CSV (--csv).", "",
        Images.CSV_RULE + " A label column is read and passed over.", "", "For a model of a table, --csv holds rows "
        + "with its feature columns (its label column, if there, is passed over), and each line is a class's name."})
final class PredictCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions modelFile;

  @Option(names = "--images", paramLabel = "FILE",
      description = "An idx file of 28 x 28 unsigned-byte images, plain or .gz.")
  Path images;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "A CSV of images: 784 pixel columns, or a label then 784 pixels.")
  Path csv;

  @Override
  public Integer call() throws Exception {
    if ((images == null) == (csv == null)) {
      throw new IllegalArgumentException(images == null ? "give the images: --images FILE (idx) or --csv FILE"
          : "give the images one way: --images or --csv, not both");
    }
    ModelFile.Loaded loaded = modelFile.load();
    Features features = images != null ? null : loaded.tableInputs(csv, false); // a table's rows, standardized
    if (features == null) {
      loaded.requireMnistShape(); // before the images are read: each has 784 pixels
      Dataset set = images != null ? Images.idx(images) : Images.csv(csv).data();
      features = set.features(loaded.preset().inputOffset());
    }
    int[] predicted = Predictions.of(loaded.model(), features, Runtime.getRuntime().availableProcessors());
    // One write of every line: 10,000 labels are 20,000 characters. A table's classes by name.
    List<String> names = loaded.table() == null ? null : loaded.table().schema().classes();
    StringBuilder lines = new StringBuilder(2 * predicted.length);
    for (int p : predicted) {
      lines.append(names == null ? Integer.toString(p) : names.get(p)).append('\n');
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(lines);
    out.flush();
    return Main.OK;
  }
}
