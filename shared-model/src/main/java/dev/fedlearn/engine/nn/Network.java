package dev.fedlearn.engine.nn;

/**
 * The computation of one model on one thread: forward pass, softmax and cross-entropy, backward pass and update.
 * It owns the per-sample buffers (allocated once here) and works on the model's parameter vector in place; many
 * networks may read one parameter vector at once (evaluation), but only one may train it.
 *
 * <p>Hidden layers use leaky ReLU ({@code a = z > 0 ? z : 0.01 z}); the output layer is a softmax scored with
 * cross-entropy, computed stably ({@code log-sum-exp} shifted by the largest logit). Nothing is allocated per
 * sample, except that the batch buffers of {@link #accumulateSample} grow (doubling) while the first batch fills.
 */
public final class Network {
  /** Slope of leaky ReLU for negative inputs. */
  public static final float LEAK = 0.01f;

  private final LayerSizes sizes;
  private final float[] params;
  private final Kernel kernel;
  private final float[] act;   // outputs of layers 1..depth; the last holds logits, then probabilities
  private final float[] delta; // dLoss/dz of layers 1..depth, same layout
  private final int[] off;     // off[l]: start of layer l in act and delta
  private final double[] exp;  // softmax scratch
  private int predicted;
  // The input whose layer-1 pre-activations a fused step already left in act (used once by the next forward).
  private float[] readyX;
  private int readyOff = -1;
  // The current batch's first-layer deltas and inputs; its gradient is summed when the batch is applied.
  private float[] batchDelta = new float[0];
  private float[][] batchX = new float[0][];
  private int[] batchXOff = new int[0];
  private int batchCount;

  public Network(Model model, Kernel kernel) {
    this.sizes = model.sizes();
    this.params = model.params();
    this.kernel = kernel;
    this.off = new int[sizes.depth() + 1];
    int total = 0;
    for (int l = 1; l <= sizes.depth(); l++) {
      off[l] = total;
      total += sizes.size(l);
    }
    this.act = new float[total];
    this.delta = new float[total];
    this.exp = new double[sizes.classes()];
  }

  public Network(Model model) {
    this(model, Kernels.create());
  }

  public LayerSizes sizes() {
    return sizes;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** Runs the layers on {@code x[xOff..xOff+inputs)}; the logits are left in the output layer. */
  public void forward(float[] x, int xOff) {
    int depth = sizes.depth();
    float[] ready = readyX;
    readyX = null;
    for (int l = 1; l <= depth; l++) {
      int rows = sizes.size(l);
      int cols = sizes.size(l - 1);
      float[] in = l == 1 ? x : act;
      int inOff = l == 1 ? xOff : off[l - 1];
      if (l > 1 || x != ready || xOff != readyOff) {
        kernel.affine(params, sizes.weightOffset(l), sizes.biasOffset(l), rows, cols, in, inOff, act, off[l]);
      }
      if (l < depth) {
        for (int i = off[l]; i < off[l] + rows; i++) {
          float z = act[i];
          act[i] = z > 0f ? z : LEAK * z;
        }
      }
    }
  }

  /**
   * Turns the logits left by {@link #forward} into probabilities, in place, and returns the cross-entropy of the
   * true class: {@code log(sum exp(z - max)) + max - z[label]}, finite for any finite logits. Also records the
   * predicted class (the first of the largest logits).
   */
  public double softmax(int label) {
    int o = off[sizes.depth()];
    int k = sizes.classes();
    float max = act[o];
    int arg = 0;
    for (int i = 1; i < k; i++) {
      if (act[o + i] > max) {
        max = act[o + i];
        arg = i;
      }
    }
    predicted = arg;
    double sum = 0;
    for (int i = 0; i < k; i++) {
      exp[i] = Math.exp((double) act[o + i] - max);
      sum += exp[i];
    }
    double loss = Math.log(sum) + max - act[o + label];
    for (int i = 0; i < k; i++) {
      act[o + i] = (float) (exp[i] / sum);
    }
    return loss;
  }

  /** Cross-entropy of one sample; the prediction is then {@link #predicted()}. */
  public double score(float[] x, int xOff, int label) {
    forward(x, xOff);
    return softmax(label);
  }

  /** The class predicted by the last forward pass scored with {@link #softmax}. */
  public int predicted() {
    return predicted;
  }

  /** Probability of class {@code c} after {@link #softmax}. */
  public float probability(int c) {
    return act[off[sizes.depth()] + c];
  }

  /** After {@link #softmax}: the deltas of every layer, from the output down, with the current weights. */
  private void backward(int label) {
    int depth = sizes.depth();
    int o = off[depth];
    for (int i = 0; i < sizes.classes(); i++) {
      delta[o + i] = act[o + i] - (i == label ? 1f : 0f);
    }
    for (int l = depth - 1; l >= 1; l--) {
      int width = sizes.size(l);
      kernel.backprop(params, sizes.weightOffset(l + 1), sizes.size(l + 1), width, delta, off[l + 1], delta, off[l]);
      for (int i = off[l]; i < off[l] + width; i++) {
        if (!(act[i] > 0f)) {
          delta[i] *= LEAK;
        }
      }
    }
  }

  /** One stochastic step on one sample (batch size 1); returns the sample's loss before the step. */
  public double trainSample(float[] x, int xOff, int label, MomentumSgd opt) {
    return trainSample(x, xOff, label, opt, null, 0);
  }

  /**
   * One stochastic step, telling which sample comes next ({@code next} null when none is known): the update of the
   * first layer then also computes that sample's first layer, saving one pass over the largest weight matrix. The
   * parameters must not be changed by anyone else before the next call.
   */
  public double trainSample(float[] x, int xOff, int label, MomentumSgd opt, float[] next, int nextOff) {
    double loss = lossAndDeltas(x, xOff, label);
    // Last layer first: each update reads the layer's input, and the fused first layer overwrites act[layer 1].
    stepAbove(opt);
    if (next != null) {
      kernel.momentumStepThenAffine(params, opt.velocity, sizes.weightOffset(1), sizes.biasOffset(1), sizes.size(1),
          sizes.size(0), delta, off[1], x, xOff, opt.step(1), next, nextOff, act, off[1]);
      readyX = next;
      readyOff = nextOff;
    } else {
      kernel.momentumStep(params, opt.velocity, sizes.weightOffset(1), sizes.biasOffset(1), sizes.size(1),
          sizes.size(0), delta, off[1], x, xOff, opt.step(1));
    }
    return loss;
  }

  /**
   * One stochastic step on training sample {@code s} whose first layer's weights live in {@code first} (sparse
   * inputs; the parameters' copy of those weights is stale until {@link SparseFirstLayer#store}). {@code x} is the
   * training data's input array, {@code xOff} the sample's offset in it.
   */
  double trainSample(SparseFirstLayer first, int s, float[] x, int xOff, int label, MomentumSgd opt) {
    firstLayerFrom(first, s, x, xOff);
    double loss = lossAndDeltas(x, xOff, label);
    stepAbove(opt);
    int bOff = sizes.biasOffset(1);
    for (int o = 0; o < sizes.size(1); o++) {
      ScalarKernel.momentumBias(params, opt.velocity, bOff + o, delta[off[1] + o], first.rule());
    }
    first.step(s, delta, off[1]);
    return loss;
  }

  /** Leaves the first layer of training sample {@code s}, computed by {@code first}, for the next forward pass. */
  private void firstLayerFrom(SparseFirstLayer first, int s, float[] x, int xOff) {
    first.forward(s, params, act, off[1]);
    readyX = x;
    readyOff = xOff;
  }

  /** Forward pass, softmax and backward pass; returns the loss. */
  private double lossAndDeltas(float[] x, int xOff, int label) {
    forward(x, xOff);
    double loss = softmax(label);
    backward(label);
    return loss;
  }

  /** The momentum steps of the layers above the first, last layer first. */
  private void stepAbove(MomentumSgd opt) {
    for (int l = sizes.depth(); l >= 2; l--) {
      kernel.momentumStep(params, opt.velocity, sizes.weightOffset(l), sizes.biasOffset(l), sizes.size(l),
          sizes.size(l - 1), delta, off[l], act, off[l - 1], opt.step(l));
    }
  }

  /**
   * Adds one sample to the current batch; returns the sample's loss. The layers above the first add their gradient
   * to the optimiser's sum now; the first layer keeps the sample's deltas and input (the input must not change
   * before {@link #applyGradient}) and sums them in one pass when the batch is applied.
   */
  public double accumulateSample(float[] x, int xOff, int label, MomentumSgd opt) {
    double loss = accumulateAbove(x, xOff, label, opt);
    batchX[batchCount] = x;
    batchXOff[batchCount] = xOff;
    batchCount++;
    return loss;
  }

  /**
   * {@link #accumulateSample} for training sample {@code s} whose first layer's weights live in {@code first}; the
   * batch is applied with {@link #applyGradient(SparseFirstLayer, MomentumSgd)}.
   */
  double accumulateSample(SparseFirstLayer first, int s, float[] x, int xOff, int label, MomentumSgd opt) {
    firstLayerFrom(first, s, x, xOff);
    double loss = accumulateAbove(x, xOff, label, opt);
    batchXOff[batchCount] = s;
    batchCount++;
    return loss;
  }

  /**
   * The part of {@link #accumulateSample} that does not depend on how the first layer is kept: the sample's loss
   * and deltas, the upper layers' gradients added, the first layer's deltas kept in the batch's next slot.
   */
  private double accumulateAbove(float[] x, int xOff, int label, MomentumSgd opt) {
    double loss = lossAndDeltas(x, xOff, label);
    float[] g = opt.gradient();
    for (int l = 2; l <= sizes.depth(); l++) {
      kernel.accumulate(g, sizes.weightOffset(l), sizes.biasOffset(l), sizes.size(l), sizes.size(l - 1),
          delta, off[l], act, off[l - 1]);
    }
    int width = sizes.size(1);
    if (batchCount == batchX.length) {
      int capacity = Math.max(8, 2 * batchCount);
      batchX = java.util.Arrays.copyOf(batchX, capacity);
      batchXOff = java.util.Arrays.copyOf(batchXOff, capacity);
      batchDelta = java.util.Arrays.copyOf(batchDelta, capacity * width);
    }
    System.arraycopy(delta, off[1], batchDelta, batchCount * width, width);
    return loss;
  }

  /** One step from the batch added with the factored first layer since the last step. */
  void applyGradient(SparseFirstLayer first, MomentumSgd opt) {
    readyX = null;
    if (batchCount == 0) {
      return;
    }
    float scale = 1f / batchCount;
    Kernel.batchBiasStep(params, opt.velocity, sizes.biasOffset(1), sizes.size(1), batchDelta, batchCount, scale,
        first.rule());
    first.batchStep(batchXOff, batchDelta, batchCount, scale);
    applyAbove(scale, opt);
  }

  /** The upper layers' step from the batch's summed gradient; ends the batch. */
  private void applyAbove(float scale, MomentumSgd opt) {
    float[] g = opt.gradient();
    for (int l = 2; l <= sizes.depth(); l++) {
      kernel.applyGradient(params, opt.velocity, g, sizes.weightOffset(l), sizes.biasOffset(l), sizes.size(l),
          sizes.size(l - 1), scale, opt.step(l));
    }
    java.util.Arrays.fill(batchX, 0, batchCount, null);
    batchCount = 0;
  }

  /** One step from the batch added since the last step (the mean gradient of its samples). */
  public void applyGradient(MomentumSgd opt) {
    readyX = null;
    if (batchCount == 0) {
      return;
    }
    float scale = 1f / batchCount;
    kernel.batchStep(params, opt.velocity, sizes.weightOffset(1), sizes.biasOffset(1), sizes.size(1), sizes.size(0),
        batchDelta, batchCount, batchX, batchXOff, scale, opt.step(1));
    applyAbove(scale, opt);
  }


  /**
   * Adds one sample's loss gradient, every layer's, to {@code g} ({@code g += dLoss/dp}, the layout of the
   * parameters); returns the sample's loss. The prediction is then {@link #predicted()}.
   */
  public double accumulateGradient(float[] x, int xOff, int label, float[] g) {
    double loss = lossAndDeltas(x, xOff, label);
    for (int l = 1; l <= sizes.depth(); l++) {
      float[] in = l == 1 ? x : act;
      int inOff = l == 1 ? xOff : off[l - 1];
      kernel.accumulate(g, sizes.weightOffset(l), sizes.biasOffset(l), sizes.size(l), sizes.size(l - 1),
          delta, off[l], in, inOff);
    }
    return loss;
  }

  /**
   * One step of every layer from the summed gradient in the optimiser's buffer with FedProx's proximal term: for
   * every parameter {@code g = fma(mu, w - anchor, G*scale)}, then the canonical step of {@link ScalarKernel}
   * ({@code momentumWeight}, which adds {@code l2*w}, or {@code momentumBias}) with that {@code g}; the buffer is
   * cleared. Plain loops shared by every kernel, so the kernels agree bit for bit here by construction.
   */
  public void applyProximal(MomentumSgd opt, float scale, float[] anchor, float mu) {
    readyX = null;
    float[] g = opt.gradient();
    float[] v = opt.velocity;
    for (int l = 1; l <= sizes.depth(); l++) {
      LayerStep s = opt.step(l);
      int w0 = sizes.weightOffset(l);
      int w1 = w0 + sizes.size(l) * sizes.size(l - 1);
      for (int j = w0; j < w1; j++) {
        ScalarKernel.momentumWeight(params, v, j, Math.fma(mu, params[j] - anchor[j], g[j] * scale), s);
        g[j] = 0f;
      }
      int b0 = sizes.biasOffset(l);
      for (int j = b0; j < b0 + sizes.size(l); j++) {
        ScalarKernel.momentumBias(params, v, j, Math.fma(mu, params[j] - anchor[j], g[j] * scale), s);
        g[j] = 0f;
      }
    }
  }

  /** The gradient of one sample's loss, written to {@code out} (for tests and checks; allocates nothing). */
  public double gradient(float[] x, int xOff, int label, float[] out) {
    java.util.Arrays.fill(out, 0f);
    forward(x, xOff);
    double loss = softmax(label);
    backward(label);
    for (int l = 1; l <= sizes.depth(); l++) {
      float[] in = l == 1 ? x : act;
      int inOff = l == 1 ? xOff : off[l - 1];
      kernel.accumulate(out, sizes.weightOffset(l), sizes.biasOffset(l), sizes.size(l), sizes.size(l - 1),
          delta, off[l], in, inOff);
    }
    return loss;
  }
}
