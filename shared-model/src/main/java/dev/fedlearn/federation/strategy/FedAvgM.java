package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FedAvg with server momentum (Hsu, Qi and Brown, 2019, "Measuring the effects of non-identical data distribution";
 * as Flower's {@code FedAvgM}): with the sample-weighted mean {@code avg} of the clients' weights and the global
 * model {@code g}, the pseudo-gradient is {@code d = g - avg}, the momentum {@code u = beta*u + d} (zero before the
 * first round, so the first round's {@code u} is {@code d}), and the next model {@code g - lr*u}. With
 * {@code lr = 1, beta = 0} this is FedAvg (to the rounding of the subtraction, done in double).
 *
 * <p>State: {@code momentum}, the vector {@code u} after the round (stored as floats).
 */
public final class FedAvgM implements Strategy {
  /** The state key of the server momentum {@code u}. */
  public static final String MOMENTUM = "momentum";

  private final double serverLearningRate;
  private final double serverMomentum;

  /**
   * @param serverLearningRate {@code lr}, positive
   * @param serverMomentum {@code beta}, in {@code [0, 1)}
   */
  public FedAvgM(double serverLearningRate, double serverMomentum) {
    if (!(serverLearningRate > 0 && Double.isFinite(serverLearningRate))) {
      throw new IllegalArgumentException("serverLearningRate must be a positive number, got " + serverLearningRate);
    }
    if (!(serverMomentum >= 0 && serverMomentum < 1)) {
      throw new IllegalArgumentException("serverMomentum must be in [0, 1), got " + serverMomentum);
    }
    this.serverLearningRate = serverLearningRate;
    this.serverMomentum = serverMomentum;
  }

  @Override
  public String name() {
    return StrategyType.FEDAVGM.id();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("serverLearningRate", Strategies.format(serverLearningRate));
    p.put("serverMomentum", Strategies.format(serverMomentum));
    return p;
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    float[] g = global.params();
    int n = g.length;
    double[] avg = FedAvg.weightedMean(n, FedAvg.checked(n, results));
    float[] before = FedAvg.stateOrZeros(state, MOMENTUM, n);
    float[] u = new float[n];
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      double d = g[j] - avg[j];
      double m = serverMomentum * before[j] + d;
      u[j] = (float) m;
      out[j] = (float) (g[j] - serverLearningRate * m);
    }
    return new Aggregation(new Model(global.sizes(), out), Map.of(MOMENTUM, u));
  }
}
