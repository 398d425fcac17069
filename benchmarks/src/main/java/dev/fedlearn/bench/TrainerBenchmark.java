package dev.fedlearn.bench;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.engine.nn.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole training calls as a client makes them ({@link Trainer#train}: epochs over a shuffled local set), on the
 * first {@value #SAMPLES} MNIST training images with the default preset, one thread, the vector kernel. Scores are
 * samples per second. {@code firstLayer} compares the factored first layer for sparse inputs with the dense kernels.
 * Run from the repository root (it reads {@code data/mnist}, or the folder in {@code -Dfl.mnist=}):
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TrainerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainerBenchmark {
  static final int SAMPLES = 4096;
  static final int EPOCHS = 4;

  @Param({"1", "32"})
  int batch;

  @Param({"factored", "dense"})
  String firstLayer;

  Features data;
  Model model;
  Trainer trainer;
  SplittableRandom rng = new SplittableRandom(3);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path mnist = Path.of(System.getProperty("fl.mnist", "data/mnist"));
    data = Mnist.load(mnist, Mnist.Part.TRAIN).head(SAMPLES).features(0);
    model = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 1);
    float lr = batch == 1 ? 0.01f : 0.1f;
    TrainingConfig config = new TrainingConfig(EPOCHS, batch, lr, 0.9f, null, 1, Preset.DEFAULT);
    trainer = new Trainer(model, config, Kernels.create("vector"), firstLayer.equals("factored"));
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES * EPOCHS)
  public double train() {
    return trainer.train(data, rng, null).loss();
  }
}
