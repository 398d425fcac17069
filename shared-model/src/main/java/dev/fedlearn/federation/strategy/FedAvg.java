package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Federated averaging (McMahan et al., 2017): each parameter of the next global model is the mean of the clients'
 * values weighted by their sample counts, {@code sum(n_k * w_k) / sum(n_k)}, summed in double precision and in
 * client-id order, so the result does not depend on the order in which updates arrived. Stateless; failures are
 * ignored (Flower's {@code accept_failures=True}).
 *
 * <p>Refused, with an {@link AggregationException} naming the client: no results, a duplicate client, a negative
 * sample count, zero samples in all, weights of another length than the global model, NaN or infinite weights.
 * The other strategies share these checks ({@link #checked}).
 */
public final class FedAvg implements Strategy {
  @Override
  public String name() {
    return StrategyType.FEDAVG.id();
  }

  @Override
  public Map<String, String> parameters() {
    return Map.of();
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    return new Aggregation(new Model(global.sizes(), average(global.params().length, results)), Map.of());
  }

  /** The weighted mean of the results' weight vectors, each of length {@code length}. */
  public static float[] average(int length, List<ClientResult> results) {
    double[] mean = weightedMean(length, checked(length, results));
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      out[j] = (float) mean[j];
    }
    return out;
  }

  /**
   * The results sorted by client id, after the checks every strategy makes: at least one result, no client twice,
   * no negative sample count, every weight vector of {@code length} finite numbers.
   */
  static List<ClientResult> checked(int length, List<ClientResult> results) {
    if (results.isEmpty()) {
      throw new AggregationException("no client results to aggregate");
    }
    List<ClientResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing(ClientResult::clientId));
    for (int k = 0; k < sorted.size(); k++) {
      ClientResult r = sorted.get(k);
      if (k > 0 && r.clientId().equals(sorted.get(k - 1).clientId())) {
        throw new AggregationException("client " + r.clientId() + " sent more than one result");
      }
      if (r.numSamples() < 0) {
        throw new AggregationException("client " + r.clientId() + " reports " + r.numSamples() + " samples");
      }
      if (r.weights().length != length) {
        throw new AggregationException("client " + r.clientId() + " sent " + r.weights().length
            + " weights, the model has " + length);
      }
      float[] w = r.weights();
      for (int j = 0; j < length; j++) {
        if (!Float.isFinite(w[j])) {
          throw new AggregationException("client " + r.clientId() + " sent a non-finite weight (" + w[j]
              + ") at index " + j);
        }
      }
    }
    return sorted;
  }

  /**
   * The sample-weighted mean, in double, of already {@linkplain #checked checked} results (summed in their order);
   * refuses results with zero samples in all.
   */
  static double[] weightedMean(int length, List<ClientResult> sorted) {
    long total = 0;
    for (ClientResult r : sorted) {
      total = Math.addExact(total, r.numSamples());
    }
    if (total == 0) {
      throw new AggregationException("the clients trained on zero samples in all: nothing to weight by");
    }
    double[] sum = new double[length];
    for (ClientResult r : sorted) {
      double n = r.numSamples();
      float[] w = r.weights();
      for (int j = 0; j < length; j++) {
        sum[j] += n * w[j];
      }
    }
    for (int j = 0; j < length; j++) {
      sum[j] /= total;
    }
    return sum;
  }

  /**
   * The state vector {@code key} of {@code state}, or a new zero vector when the state has none (the first round);
   * refuses one of another length than the model.
   */
  static float[] stateOrZeros(Map<String, float[]> state, String key, int length) {
    float[] s = state.get(key);
    if (s == null) {
      return new float[length];
    }
    if (s.length != length) {
      throw new AggregationException("the strategy's state " + key + " has " + s.length + " values, the model has "
          + length);
    }
    return s;
  }
}
