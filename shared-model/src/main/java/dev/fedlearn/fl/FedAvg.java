package dev.fedlearn.fl;

import dev.fedlearn.nn.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Federated averaging (McMahan et al., 2017): each parameter of the next global model is the mean of the clients'
 * values weighted by their sample counts, {@code sum(n_k * w_k) / sum(n_k)}, summed in double precision and in
 * client-id order, so the result does not depend on the order in which updates arrived.
 *
 * <p>Refused, with an {@link AggregationException} naming the client: no results, a duplicate client, a negative
 * sample count, zero samples in all, weights of another length than the global model, NaN or infinite weights.
 */
public final class FedAvg implements Strategy {
  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  public Model aggregate(Model global, List<ClientResult> results) {
    int n = global.params().length;
    float[] out = average(n, results);
    return new Model(global.sizes(), out);
  }

  /** The weighted mean of the results' weight vectors, each of length {@code length}. */
  public static float[] average(int length, List<ClientResult> results) {
    if (results.isEmpty()) {
      throw new AggregationException("no client results to aggregate");
    }
    List<ClientResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing(ClientResult::clientId));
    long total = 0;
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
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      out[j] = (float) (sum[j] / total);
    }
    return out;
  }
}
