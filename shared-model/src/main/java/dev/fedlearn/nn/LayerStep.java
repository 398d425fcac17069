package dev.fedlearn.nn;

/**
 * The momentum-SGD rule of one layer, as every kernel applies it to each weight:
 * {@code g = d*x + l2*w; v = m*v + (1-m)*g; w = keep*w - lr*v}. Biases take the same step with {@code g = d}.
 *
 * <p>Two kinds of weight decay: {@code l2} is added to the gradient of the weights (so it is scaled by the learning
 * rate and smoothed by the momentum, the classic L2 penalty), while {@code keep = 1 - decay} shrinks weights and
 * biases directly each step, as the original notebook does with {@code p = p - lr*v - decay*p}. With {@code keep = 1}
 * the product {@code keep*w} is exactly {@code w}.
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
