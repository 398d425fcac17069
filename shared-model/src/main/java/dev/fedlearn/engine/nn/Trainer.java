package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Partitioner;
import java.util.random.RandomGenerator;

/**
 * Trains a model in place for a number of epochs: each epoch visits the samples in a fresh seeded shuffle (or, in
 * a preset that does not {@linkplain Preset#reshuffles() reshuffle}, in their given order), in
 * batches of {@code batchSize} (the last batch of an epoch may be smaller). The loss and accuracy it reports for an
 * epoch are those of each sample's forward pass just before its own update, so they cost nothing extra.
 */
public final class Trainer {
  /** What one epoch saw. */
  public record EpochStats(int epoch, double loss, double accuracy, int samples) {}

  /** Called after every epoch. */
  @FunctionalInterface
  public interface Listener {
    void epochDone(EpochStats stats);
  }

  private final Network net;
  private final MomentumSgd opt;
  private final TrainingConfig config;
  private final float[] params;
  private final boolean sparse;
  private boolean factored;
  private float mu;
  private float[] anchor;

  public Trainer(Model model, TrainingConfig config, Kernel kernel) {
    this(model, config, kernel, true);
  }

  /**
   * @param sparse whether batch-size-1 training may keep the first layer in the factored form of
   *     {@link SparseFirstLayer} when the inputs are sparse (the same arithmetic, other rounding, several times
   *     faster); {@code false} always runs the dense kernels
   */
  public Trainer(Model model, TrainingConfig config, Kernel kernel, boolean sparse) {
    this.net = new Network(model, kernel);
    this.opt = MomentumSgd.of(model.sizes(), config);
    this.config = config;
    this.params = model.params();
    this.sparse = sparse;
  }

  public Trainer(Model model, TrainingConfig config) {
    this(model, config, Kernels.create());
  }

  /**
   * Adds FedProx's proximal term {@code mu/2 ||w - anchor||^2} (Li et al., 2020) to the loss of every following
   * {@link #train}: the gradient of every weight and every bias gains {@code mu * (w - anchor)}, so each step is
   * {@code g = G*scale + mu*(w - anchor)} (with {@code G*scale} the mean gradient of the batch's losses), then the
   * step of {@link LayerStep} with that {@code g} ({@code + l2*w} for the weights, {@code keep} as the preset says).
   * The term's gradient is not zero on zero inputs, so with {@code mu > 0} the first layer trains densely (no
   * {@link SparseFirstLayer}) and every step is the unfused path of {@link Network#applyProximal}. {@code mu = 0}
   * leaves training exactly as without it.
   *
   * @param mu the proximal coefficient, 0 or more
   * @param anchor the parameters the term pulls towards (the global model of the round); read, never written, and
   *     it must not change while training
   * @return this trainer
   */
  public Trainer proximal(float mu, float[] anchor) {
    if (!(mu >= 0f && Float.isFinite(mu))) {
      throw new IllegalArgumentException("the proximal mu must be 0 or a positive number, got " + mu);
    }
    if (mu > 0f && anchor.length != params.length) {
      throw new IllegalArgumentException("the proximal anchor has " + anchor.length + " parameters, the model "
          + params.length);
    }
    this.mu = mu;
    this.anchor = mu > 0f ? anchor : null;
    return this;
  }

  /**
   * Runs {@code config.epochs()} epochs from zero momentum; returns the last epoch's figures (zeros when there were
   * no epochs).
   */
  public EpochStats train(Features data, RandomGenerator rng, Listener listener) {
    if (data.dim() != net.sizes().inputs()) {
      throw new IllegalArgumentException("the data has " + data.dim() + " inputs, the network takes "
          + net.sizes().inputs());
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("no training samples");
    }
    opt.reset();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    EpochStats last = new EpochStats(0, 0, 0, 0);
    boolean prox = mu > 0f;
    SparseFirstLayer first = sparse && !prox && config.epochs() > 0
        ? SparseFirstLayer.forTraining(net.sizes(), opt.step(1), data, net.kernel()) : null;
    if (first != null) {
      first.load(params, opt.velocity);
    }
    factored = first != null;
    for (int e = 1; e <= config.epochs(); e++) {
      if (config.preset().reshuffles()) {
        Partitioner.shuffle(order, rng);
      }
      last = prox ? epochProximal(e, data, order)
          : config.batchSize() == 1 ? epochStochastic(e, data, order, first) : epochBatched(e, data, order, first);
      if (first != null) {
        first.store(params, opt.velocity); // so that the model is whole after every epoch
      }
      if (listener != null) {
        listener.epochDone(last);
      }
    }
    return last;
  }

  /** Whether the last {@link #train} kept the first layer in the factored form of sparse inputs. */
  public boolean factoredFirstLayer() {
    return factored;
  }

  private EpochStats epochStochastic(int epoch, Features data, int[] order, SparseFirstLayer first) {
    float[] x = data.x();
    int dim = data.dim();
    double loss = 0;
    int correct = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      int label = data.label(i);
      boolean more = k + 1 < order.length;
      loss += first != null ? net.trainSample(first, i, x, i * dim, label, opt)
          : net.trainSample(x, i * dim, label, opt, more ? x : null, more ? order[k + 1] * dim : 0);
      if (net.predicted() == label) {
        correct++;
      }
    }
    return new EpochStats(epoch, loss / order.length, (double) correct / order.length, order.length);
  }

  private EpochStats epochBatched(int epoch, Features data, int[] order, SparseFirstLayer first) {
    int batch = config.batchSize();
    double loss = 0;
    int correct = 0;
    for (int start = 0; start < order.length; start += batch) {
      int end = Math.min(order.length, start + batch);
      loss += batch(data, order, start, end, first);
      correct += batchCorrect;
    }
    return new EpochStats(epoch, loss / order.length, (double) correct / order.length, order.length);
  }

  private int batchCorrect; // correct predictions of the last batch

  /** An epoch with the proximal term: batches of {@code batchSize} (1 included), each one dense step. */
  private EpochStats epochProximal(int epoch, Features data, int[] order) {
    int batch = config.batchSize();
    double loss = 0;
    int correct = 0;
    for (int start = 0; start < order.length; start += batch) {
      int end = Math.min(order.length, start + batch);
      loss += proximalBatch(data, order, start, end);
      correct += batchCorrect;
    }
    return new EpochStats(epoch, loss / order.length, (double) correct / order.length, order.length);
  }

  /** One batch with the proximal term: the samples' gradients summed into the optimiser's buffer, then one step. */
  private double proximalBatch(Features data, int[] order, int start, int end) {
    float[] x = data.x();
    int dim = data.dim();
    float[] g = opt.gradient();
    double loss = 0;
    int right = 0;
    for (int k = start; k < end; k++) {
      int i = order[k];
      int label = data.label(i);
      loss += net.accumulateGradient(x, i * dim, label, g);
      if (net.predicted() == label) {
        right++;
      }
    }
    net.applyProximal(opt, 1f / (end - start), anchor, mu);
    batchCorrect = right;
    return loss;
  }

  /**
   * One batch: its samples' gradients summed, then one step; returns the summed loss and leaves the number of
   * correct predictions in {@link #batchCorrect}. A method of its own so that the JIT compiles it as a whole rather
   * than as a replacement of the epoch loop in flight.
   */
  private double batch(Features data, int[] order, int start, int end, SparseFirstLayer first) {
    float[] x = data.x();
    int dim = data.dim();
    double loss = 0;
    int right = 0;
    for (int k = start; k < end; k++) {
      int i = order[k];
      int label = data.label(i);
      loss += first != null ? net.accumulateSample(first, i, x, i * dim, label, opt)
          : net.accumulateSample(x, i * dim, label, opt);
      if (net.predicted() == label) {
        right++;
      }
    }
    if (first != null) {
      net.applyGradient(first, opt);
    } else {
      net.applyGradient(opt);
    }
    batchCorrect = right;
    return loss;
  }
}
