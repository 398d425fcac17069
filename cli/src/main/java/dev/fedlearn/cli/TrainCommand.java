package dev.fedlearn.cli;

import dev.fedlearn.engine.data.Dataset;
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
 * {@code fl train}: trains one model centrally on a CSV or MNIST's training set, printing each epoch to stderr, scores
 * it on MNIST's test set and ends with the JSON line; with {@code --save-model}, also writes the model
 * ({@link ModelFile}).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {Main.EXIT_OK, Main.EXIT_FAILED, Main.EXIT_USAGE},
    description = "Train one model centrally on a CSV or on the MNIST training set and score it on the MNIST test "
        + "set. Progress per epoch goes to stderr; the last line on stdout is JSON.")
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  TrainingOptions training;

  @Mixin
  ComputeOptions compute;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Train on this CSV (label + 784 pixels), plain or .gz, instead of MNIST.")
  Path csv;

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
    Dataset trainSet = csv != null ? Inputs.csv(csv) : data.train();
    if (samples != null) {
      if (samples < 1 || samples > trainSet.size()) {
        throw new IllegalArgumentException("--samples must be between 1 and " + trainSet.size() + ", got " + samples);
      }
      trainSet = trainSet.head(samples);
    }
    Dataset testSet = data.test();
    float offset = config.preset().inputOffset();
    Features train = trainSet.features(offset);
    Features test = testSet.features(offset);
    Model model = Model.initialise(training.layerSizes(), config.preset(), config.seed());
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
          err.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.2f%%  %.2f s%n", s.epoch(), config.epochs(),
              s.loss(), 100 * s.accuracy(), (now - lastTick[0]) / 1e9);
          lastTick[0] = now;
        });
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!model.isFinite()) {
      throw new IllegalStateException("training diverged (non-finite weights): lower --learning-rate");
    }
    Evaluation eval = Evaluator.evaluate(model, test, compute.threads);
    Map<String, Object> json = new LinkedHashMap<>();
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
    json.put("testAccuracy", Json.round(eval.accuracy(), 6));
    if (saveModel != null) {
      ModelFile.write(saveModel, GlobalModel.of(1, 1, RunState.COMPLETED, model, TrainingPlan.of(config)),
          "--save-model");
      json.put("model", saveModel.toString());
    }
    spec.commandLine().getOut().println(Json.line(json));
    return Main.OK;
  }
}
