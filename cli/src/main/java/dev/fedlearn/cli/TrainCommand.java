package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Seeds;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.TrainingPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fl train}: trains one model centrally ({@link CentralData}: MNIST or Fashion-MNIST, a CSV,
 * or shards' local splits), printing
 * each epoch to stderr, scores it and ends with the JSON line; with {@code --save-model}, also writes the model
 * ({@link ModelFile}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = {"Train one model centrally on a CSV or on the training set of MNIST (or of --dataset's) and score "
        + "it on its test set (or --test-csv). Progress per epoch goes to stderr; the last line on stdout is JSON.", "",
        "A table (a CSV with a header and a --label-column) is standardized by its own rows and scored on "
        + "--test-csv. With --shards DIR, train on every client's local train split together (or --site ID's alone) "
        + "and score on every client's test split, split as fl simulate splits them: the central and the local "
        + "baselines of a federated run."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  TrainingOptions training;

  @Mixin
  ComputeOptions compute;

  @Mixin
  TableOptions table;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Train on this CSV, plain or .gz, instead of the image dataset: images (label + 784 pixels) or a "
          + "table.")
  Path csv;

  @Option(names = "--test-csv", paramLabel = "FILE", description = "Score on this CSV (a table needs it).")
  Path testCsv;

  @Option(names = "--shards", paramLabel = "DIR",
      description = "Train on the local train splits of the shards client-N.csv[.gz] in DIR and score on their "
          + "test splits.")
  Path shards;

  @Option(names = "--site", paramLabel = "ID", description = "With --shards: train on this client's split alone.")
  String site;

  @Option(names = "--train-fraction", paramLabel = "F", defaultValue = Defaults.TRAIN_FRACTION,
      description = "With --shards: each client's local train share, as in fl simulate (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--samples", paramLabel = "N",
      description = "Take the first N samples of the training data (default: all).")
  Integer samples;

  @Option(names = "--save-model", paramLabel = "FILE",
      description = "Also write the trained model as the aggregator serves a global model (round 1 of 1): "
          + "FILE.safetensors or FILE.json, for fl evaluate and fl predict.")
  Path saveModel;

  @Override
  public Integer call() throws Exception {
    compute.apply();
    if (saveModel != null) {
      ModelFile.checkTarget(saveModel, "--save-model"); // refused before the training, not after
    }
    TrainingConfig config = training.config();
    CentralData set = CentralData.of(data, table, csv, testCsv, shards, site, trainFraction, samples, config);
    Features train = set.train();
    Features test = set.test();
    Model model = Model.initialise(training.layerSizes(set.inputs(), set.outputs()), config.preset(), config.seed());
    if (model.sizes().inputs() != set.inputs() || model.sizes().classes() != set.outputs()) {
      throw new IllegalArgumentException("--layers " + model.sizes() + " must take the data's " + set.inputs()
          + " inputs and give its " + set.outputs() + " classes");
    }
    var err = spec.commandLine().getErr();
    String kernel = Kernels.create().name();
    err.printf(Locale.ROOT, "training %s on %d samples, %d epochs, batch %d, preset %s, kernel %s%n", model.sizes(),
        train.size(), config.epochs(), config.batchSize(), config.preset(), kernel);
    long start = System.nanoTime();
    long[] lastTick = {start};
    Trainer trainer = new Trainer(model, config);
    Trainer.EpochStats last = trainer.train(train, Seeds.derive(config.seed(), Seeds.TRAIN),
        s -> {
          long now = System.nanoTime();
          err.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.2f%%  %.3f s%n", s.epoch(), config.epochs(),
              s.loss(), 100 * s.accuracy(), (now - lastTick[0]) / 1e9);
          lastTick[0] = now;
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!model.isFinite()) {
      throw new IllegalStateException("training diverged (non-finite weights): lower --learning-rate");
    }
    Evaluation eval = Evaluator.evaluate(model, test, compute.threads);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("data", set.source());
    json.put("samples", train.size());
    json.put("epochs", config.epochs());
    json.put("batchSize", config.batchSize());
    json.put("preset", config.preset().id());
    json.put("seed", config.seed());
    json.put("kernel", kernel);
    json.put("firstLayer", trainer.factoredFirstLayer() ? "factored" : "dense");
    json.put("seconds", Json.round(seconds, 3));
    json.put("samplesPerSecond", Math.round((double) train.size() * config.epochs() / seconds));
    json.put("trainLoss", Json.round(last.loss(), 6));
    json.put("trainAccuracy", Json.round(last.accuracy(), 6));
    json.put("testLoss", Json.round(eval.loss(), 6));
    json.put("testSamples", test.size());
    json.put("testAccuracy", Json.round(eval.accuracy(), 6));
    if (set.siteTest() != null) {
      json.put("siteTestAccuracy", Json.round(Evaluator.evaluate(model, set.siteTest(), compute.threads).accuracy(),
          6));
    }
    if (saveModel != null) {
      ModelFile.write(saveModel, GlobalModel.of(1, 1, RunState.COMPLETED, model, TrainingPlan.of(config).withTable(set.table())),
          "--save-model");
      json.put("model", saveModel.toString());
    }
    spec.commandLine().getOut().println(Json.line(json));
    return Main.OK;
  }
}
