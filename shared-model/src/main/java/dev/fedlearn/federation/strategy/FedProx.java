package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FedProx (Li et al., 2020, "Federated optimization in heterogeneous networks"): the clients add the proximal term
 * {@code mu/2 ||w - w_global||^2} to their local loss ({@link dev.fedlearn.engine.nn.Trainer}, through
 * {@link #proximalMu}), which keeps a client on skewed data from drifting far from the global model; the server
 * aggregates as {@link FedAvg}. With {@code mu = 0} it is FedAvg.
 */
public final class FedProx implements Strategy {
  private final double mu;

  /** @param mu the proximal coefficient, 0 or more */
  public FedProx(double mu) {
    if (!(mu >= 0 && Double.isFinite(mu)) || (float) mu == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("mu must be 0 or a positive number, got " + mu);
    }
    this.mu = mu;
  }

  @Override
  public String name() {
    return StrategyType.FEDPROX.id();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("mu", Strategies.format(mu));
    return p;
  }

  @Override
  public float proximalMu() {
    return (float) mu;
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    return new Aggregation(new Model(global.sizes(), FedAvg.average(global.params().length, results)), Map.of());
  }
}
