package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.List;
import java.util.Map;

/**
 * Coordinate-wise median (Yin et al., 2018, "Byzantine-robust distributed learning"; Flower's {@code FedMedian}):
 * each parameter of the next model is the median of the clients' values, the mean of the two middle ones for an
 * even number of clients (as {@code numpy.median}). Unweighted: sample counts do not count, so that one client
 * cannot outvote the others by claiming many samples. Stateless.
 */
public final class FedMedian implements Strategy {
  @Override
  public String name() {
    return StrategyType.FEDMEDIAN.id();
  }

  @Override
  public Map<String, String> parameters() {
    return Map.of();
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    int length = global.params().length;
    List<ClientResult> sorted = FedAvg.checked(length, results);
    int n = sorted.size();
    float[] column = new float[n];
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      Coordinates.gather(sorted, j, column);
      java.util.Arrays.sort(column);
      out[j] = n % 2 == 1 ? column[n / 2] : (float) (((double) column[n / 2 - 1] + column[n / 2]) / 2);
    }
    return new Aggregation(new Model(global.sizes(), out), Map.of());
  }
}
