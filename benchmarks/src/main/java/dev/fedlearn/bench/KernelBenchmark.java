package dev.fedlearn.bench;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Kernel;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.LayerStep;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.MomentumSgd;
import dev.fedlearn.engine.nn.Network;
import dev.fedlearn.engine.nn.Preset;
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
 * The training kernels of the 784-20-15-10 network, per sample, on one thread. Scores are samples per second.
 * Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
  static final int SAMPLES = 1024;

  @Param({"vector", "scalar"})
  String kernel;

  LayerSizes sizes = LayerSizes.DEFAULT;
  Model model;
  Network net;
  MomentumSgd opt;
  Features data;
  Kernel k;
  float[] y = new float[20];
  float[] velocity;
  float[] delta = new float[20];

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(1);
    float[] x = new float[SAMPLES * 784];
    byte[] labels = new byte[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      labels[i] = (byte) rng.nextInt(10);
      for (int j = 0; j < 784; j++) {
        x[i * 784 + j] = rng.nextInt(5) == 0 ? (float) rng.nextDouble() : 0f;
      }
    }
    data = new Features(x, labels, 784, 10);
    model = Model.initialise(sizes, Preset.DEFAULT, 1);
    k = Kernels.create(kernel);
    net = new Network(model, k);
    opt = new MomentumSgd(sizes, new float[] {1e-4f, 1e-4f, 1e-4f}, 0.9f, 0f);
    velocity = new float[sizes.parameterCount()];
    for (int o = 0; o < 20; o++) {
      delta[o] = (float) rng.nextDouble(-1e-3, 1e-3);
    }
  }

  /**
   * One stochastic step per sample (batch size 1): forward, backward, fused momentum update (with the next sample's
   * first layer computed in the same pass, as the trainer does).
   */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public double trainBatch1() {
    double loss = 0;
    for (int i = 0; i < SAMPLES; i++) {
      int next = (i + 1) % SAMPLES;
      loss += net.trainSample(data.x(), i * 784, data.label(i), opt, data.x(), next * 784);
    }
    return loss;
  }

  /** Batch size 1 without the fused next-sample forward pass, for comparison. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public double trainBatch1Unfused() {
    double loss = 0;
    for (int i = 0; i < SAMPLES; i++) {
      loss += net.trainSample(data.x(), i * 784, data.label(i), opt);
    }
    return loss;
  }

  /** Batches of 32: per-sample gradients summed, one update per batch. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public double trainBatch32() {
    double loss = 0;
    for (int start = 0; start < SAMPLES; start += 32) {
      for (int i = start; i < start + 32; i++) {
        loss += net.accumulateSample(data.x(), i * 784, data.label(i), opt);
      }
      net.applyGradient(opt);
    }
    return loss;
  }

  /** Scoring only: the forward pass and softmax. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public double forward() {
    double loss = 0;
    for (int i = 0; i < SAMPLES; i++) {
      loss += net.score(data.x(), i * 784, data.label(i));
    }
    return loss;
  }

  /** The first layer's {@code W(20,784) @ x + b}. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public float firstLayerAffine() {
    float s = 0;
    for (int i = 0; i < SAMPLES; i++) {
      k.affine(model.params(), 0, sizes.biasOffset(1), 20, 784, data.x(), i * 784, y, 0);
      s += y[3];
    }
    return s;
  }

  /** A tiny learning rate, so that repeating the same samples does not drift the weights. */
  private static final LayerStep STEP = new LayerStep(1e-6f, 0.9f, 0f, 1f);

  /** The first layer's fused momentum update. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public float firstLayerMomentumStep() {
    for (int i = 0; i < SAMPLES; i++) {
      k.momentumStep(model.params(), velocity, 0, sizes.biasOffset(1), 20, 784, delta, 0, data.x(), i * 784, STEP);
    }
    return velocity[5];
  }

  /** The first layer's momentum update fused with the next sample's affine, as batch-size-1 training runs it. */
  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public float firstLayerFusedStep() {
    for (int i = 0; i < SAMPLES; i++) {
      k.momentumStepThenAffine(model.params(), velocity, 0, sizes.biasOffset(1), 20, 784, delta, 0, data.x(),
          i * 784, STEP, data.x(), ((i + 1) % SAMPLES) * 784, y, 0);
    }
    return y[7];
  }
}
