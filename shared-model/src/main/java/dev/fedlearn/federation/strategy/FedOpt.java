package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adaptive server optimizers of Reddi et al., 2021 ("Adaptive federated optimization", Algorithm 2, without bias
 * correction): FedAdagrad, FedAdam and FedYogi. Per parameter, in double, with the global model {@code x} and the
 * sample-weighted mean {@code avg} of the clients' weights (sample weights, as Flower does, where the paper takes
 * the plain mean):
 * <pre>
 *   delta = avg - x
 *   m     = beta1*m + (1-beta1)*delta
 *   v     = v + delta^2                                  (adagrad)
 *         = beta2*v + (1-beta2)*delta^2                   (adam)
 *         = v - (1-beta2)*delta^2*sign(v - delta^2)       (yogi)
 *   x     = x + eta*m / (sqrt(v) + tau)
 * </pre>
 * {@code m} and {@code v} start at zero before the first round, as Flower initialises them
 * ({@code self.v_t = [np.zeros_like(x) for x in delta_t]} in {@code flwr/server/strategy/fedadam.py},
 * {@code fedyogi.py} and {@code fedadagrad.py}; the paper's Algorithm 2 writes {@code v_{-1} >= tau^2}, which Flower
 * does not follow). As in Flower, FedAdagrad's {@code beta1} defaults to 0 (Flower fixes it at 0: no server
 * momentum) and it takes no {@code beta2}, which its rule does not use.
 *
 * <p>{@code etaL} is the client learning rate of the paper and of Flower's constructor, where it only documents the
 * setting (Flower does not send it to clients either). Here too it is reported by {@link #parameters} and not
 * applied: the clients train with the run's learning rate ({@code --learning-rate}, {@code FL_LEARNING_RATE} or the
 * preset's).
 *
 * <p>State: {@code m} and {@code v} after the round, stored as floats (rounded from the double computation).
 */
public final class FedOpt implements Strategy {
  /** The state keys of the first and second moments. */
  public static final String M = "m";
  public static final String V = "v";

  /** Which second-moment rule. */
  public enum Rule {
    ADAGRAD(StrategyType.FEDADAGRAD), ADAM(StrategyType.FEDADAM), YOGI(StrategyType.FEDYOGI);

    private final StrategyType type;

    Rule(StrategyType type) {
      this.type = type;
    }

    /** The strategy id, e.g. {@code fedadam}. */
    public String id() {
      return type.id();
    }
  }

  private final Rule rule;
  private final double eta;
  private final double etaL;
  private final double beta1;
  private final double beta2;
  private final double tau;

  /**
   * @param eta server learning rate, positive
   * @param etaL client learning rate (reported only, see above), positive
   * @param beta1 first-moment decay, in {@code [0, 1)}
   * @param beta2 second-moment decay, in {@code [0, 1)} (ignored by {@link Rule#ADAGRAD})
   * @param tau adaptivity, positive
   */
  public FedOpt(Rule rule, double eta, double etaL, double beta1, double beta2, double tau) {
    this.rule = rule;
    this.eta = positive("eta", eta);
    this.etaL = positive("etaL", etaL);
    this.tau = positive("tau", tau);
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  private static double positive(String name, double value) {
    if (!(value > 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException(name + " must be a positive number, got " + value);
    }
    return value;
  }

  @Override
  public String name() {
    return rule.id();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("eta", Strategies.format(eta));
    p.put("etaL", Strategies.format(etaL));
    p.put("beta1", Strategies.format(beta1));
    if (rule != Rule.ADAGRAD) {
      p.put("beta2", Strategies.format(beta2));
    }
    p.put("tau", Strategies.format(tau));
    return p;
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    float[] x = global.params();
    int n = x.length;
    double[] avg = FedAvg.weightedMean(n, FedAvg.checked(n, results));
    float[] m0 = FedAvg.stateOrZeros(state, M, n);
    float[] v0 = FedAvg.stateOrZeros(state, V, n);
    float[] m1 = new float[n];
    float[] v1 = new float[n];
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      double delta = avg[j] - x[j];
      double sq = delta * delta;
      double m = beta1 * m0[j] + (1 - beta1) * delta;
      double v = switch (rule) {
        case ADAGRAD -> v0[j] + sq;
        case ADAM -> beta2 * v0[j] + (1 - beta2) * sq;
        case YOGI -> v0[j] - (1 - beta2) * sq * Math.signum(v0[j] - sq);
      };
      m1[j] = (float) m;
      v1[j] = (float) v;
      out[j] = (float) (x[j] + eta * m / (Math.sqrt(v) + tau));
    }
    return new Aggregation(new Model(global.sizes(), out), Map.of(M, m1, V, v1));
  }
}
