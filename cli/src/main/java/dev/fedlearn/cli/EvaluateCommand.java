package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fl evaluate}: reads a model file ({@link ModelFile}), scores it on the image dataset's test set (MNIST's
 * unless {@code --dataset} says otherwise) or on a labelled CSV
 * ({@link Images}) as the runs score their global models ({@link Evaluator}), and prints the accuracy, the loss and
 * the confusion matrix ({@link Predictions}), then the JSON line.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = {"Score a trained model (--model) on the 10,000-image test set of MNIST (or of --dataset's), or on a "
        + "labelled CSV, as a "
        + "run scores its global model: accuracy, mean cross-entropy loss, and the confusion matrix (rows: true "
        + "label, columns: predicted). The last line is JSON.", "", Images.CSV_RULE + " evaluate needs the label "
        + "column."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  ModelOptions modelFile;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Score on this CSV instead of the image test set: a label then 784 pixels, or, for a model of "
          + "a table, rows with its columns (standardized as its run did).")
  Path csv;

  @Override
  public Integer call() throws Exception {
    ModelFile.Loaded loaded = modelFile.load();
    Features table = loaded.tableInputs(csv, true); // a table's rows, standardized as the run did
    if (table == null) {
      loaded.requireMnistShape(); // before the data is read: every image has 784 pixels, every label is a digit
    }
    Dataset set = null;
    String source;
    if (table != null) {
      source = csv.toString();
    } else if (csv != null) {
      Images.Read read = Images.csv(csv);
      if (!read.labelled()) {
        throw new DataException(csv + ": " + Dataset.MNIST_PIXELS + " columns, pixels without labels: evaluate "
            + "needs a label column first (fl predict takes unlabelled images)");
      }
      set = read.data();
      source = csv.toString();
    } else {
      set = data.test();
      source = data.dataset.id() + "-test";
    }
    // Scored as simulate and the aggregator score a global model; the predictions again for the confusion matrix.
    Features features = table != null ? table : set.features(loaded.preset().inputOffset());
    List<String> classes = table != null ? loaded.table().schema().classes() : null;
    int threads = Runtime.getRuntime().availableProcessors();
    Evaluation eval = Evaluator.evaluate(loaded.model(), features, threads);
    long[][] confusion = Predictions.confusion(features, Predictions.of(loaded.model(), features, threads));
    long correct = 0;
    for (int c = 0; c < confusion.length; c++) {
      correct += confusion[c][c];
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("model " + loaded.describe());
    out.println("data " + (csv != null ? csv : data.dataset.title() + " test set in " + data.dir()) + ": "
        + features.size() + (table != null ? " rows" : " images"));
    out.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d)  loss %.4f%n", 100 * eval.accuracy(), correct,
        features.size(), eval.loss());
    out.println("confusion matrix (rows: true label, columns: predicted):");
    matrix(out, confusion, classes);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("model", modelFile.model.toString());
    json.put("format", loaded.format().name().toLowerCase(Locale.ROOT));
    json.put("layers", loaded.model().sizes().toString());
    json.put("preset", loaded.preset().id());
    json.put("round", loaded.global() == null ? null : loaded.global().round());
    json.put("data", source);
    json.put("samples", features.size());
    if (classes != null) {
      json.put("classes", classes);
    }
    json.put("accuracy", Json.round(eval.accuracy(), 6));
    json.put("loss", Json.round(eval.loss(), 6));
    json.put("correct", correct);
    json.put("confusion", lists(confusion));
    out.println(Json.line(json));
    return Main.OK;
  }

  /**
   * The matrix with a header of the predicted classes and each row led by its true label, right-aligned; the classes
   * by name when {@code names} is not null, else by number.
   */
  private static void matrix(PrintWriter out, long[][] m, List<String> names) {
    long max = Arrays.stream(m).flatMapToLong(Arrays::stream).max().orElse(0);
    int label = names == null ? 5 : names.stream().mapToInt(String::length).max().orElse(0) + 1;
    int width = Math.max(Math.max(5, label), Long.toString(max).length() + 1);
    StringBuilder head = new StringBuilder(" ".repeat(label));
    for (int c = 0; c < m.length; c++) {
      head.append(String.format(Locale.ROOT, "%" + width + "s", names == null ? Integer.toString(c) : names.get(c)));
    }
    out.println(head);
    for (int r = 0; r < m.length; r++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%" + label + "s", names == null
          ? Integer.toString(r) : names.get(r)));
      for (long v : m[r]) {
        row.append(String.format(Locale.ROOT, "%" + width + "d", v));
      }
      out.println(row);
    }
  }

  /** The matrix as lists, for the JSON line. */
  private static List<List<Long>> lists(long[][] m) {
    return Arrays.stream(m).map(row -> Arrays.stream(row).boxed().toList()).toList();
  }
}
