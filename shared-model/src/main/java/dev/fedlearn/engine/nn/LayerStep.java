package dev.fedlearn.engine.nn;

/**
 * The momentum-SGD rule of one layer, as every kernel applies it to each weight:
 * {@code g = d*x + l2*w; v = m*v + (1-m)*g; w = keep*w - lr*v}. Biases take the same step with {@code g = d}.
 *
 * <p>Two kinds of weight decay: {@code l2} is added to the gradient of the weights (so it is scaled by the learning
 * rate and smoothed by the momentum, the classic L2 penalty), while {@code keep = 1 - decay} shrinks weights and
 * biases directly each step, as the original notebook does with {@code p = p - lr*v - decay*p}. With {@code keep = 1}
 * the product {@code keep*w} is exactly {@code w}.
 *
 * <h2>When float rounding swallows the decay</h2>
 * The dense kernels round each weight to a float after every step, so a step smaller than half the gap between
 * {@code w} and its next float towards zero leaves {@code w} unchanged. The gap is {@code 2^-23} of {@code |w|}'s
 * power of two ({@code 2^-24} below an exact power of two). This matters for a weight whose data gradient stays
 * zero (its input is always zero, as for MNIST's border pixels): the decay is then its only step.
 * <ul>
 *   <li>L2 ({@code keep = 1}): the velocity tends to {@code l2*w}, so the step tends to {@code q*w} with
 *       {@code q = lr*l2} (float products). If {@code q < 2^-25} (about 2.98e-8) such a weight never decays; if
 *       {@code q > 2^-24} (about 5.96e-8) it decays at every step once the velocity has settled (by a whole
 *       number of float steps, so at a rounded rate); in between, it decays until the significand of {@code |w|}
 *       (in {@code [1, 2)}) falls to {@code 2^-24/q} (to within the float rounding of the velocity, a few parts in
 *       a million), and stays there; a weight at an exact power of two still decays (its gap below is half as
 *       large), into the binade below, and rests at the significand {@code 2^-24/q} there. For example learning rate 0.001 with L2 1e-5 ({@code q = 1e-8}) never
 *       decays such weights; the default preset's 0.01 and 1e-4 ({@code q = 1e-6}) does.</li>
 *   <li>Decoupled ({@code keep = 1f - decay}): a decay of at most {@code 2^-25} rounds {@code keep} to exactly 1,
 *       and nothing decays; any larger decay makes {@code keep < 1} and shrinks every non-zero weight and bias at
 *       every step. The seed preset's 1e-5 does.</li>
 * </ul>
 * The factored first layer ({@link SparseFirstLayer}) applies the L2 decay through a double scale factor, so
 * there it is not lost; its {@code keep} is the same float.
 *
 * @param lr the learning rate
 * @param momentum {@code m}, in {@code [0, 1)}
 * @param l2 coupled L2 decay of the weights (0 for none)
 * @param keep {@code 1 - decay} of the decoupled decay (1 for none)
 */
public record LayerStep(float lr, float momentum, float l2, float keep) {

  /** {@code 1 - m}, the weight of the new gradient in the velocity. */
  public float damp() {
    return 1f - momentum;
  }
}
