package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coordinate-wise trimmed mean (Yin et al., 2018; Flower's {@code FedTrimmedAvg}, after {@code scipy.stats.trim_mean}):
 * for each parameter, the clients' values are sorted, {@code cut = floor(trim * n)} are dropped at each end, and the
 * rest are averaged (unweighted, summed in double in sorted order). With 4 clients, {@code trim} below 0.25 cuts
 * nothing ({@code floor(0.2 * 4) = 0}) and is the plain mean; 0.25 cuts one at each end. Stateless.
 */
public final class FedTrimmedAvg implements Strategy {
  private final double trim;

  /** @param trim the share cut at each end, in {@code [0, 0.5)} */
  public FedTrimmedAvg(double trim) {
    if (!(trim >= 0 && trim < 0.5)) {
      throw new IllegalArgumentException("trim must be in [0, 0.5), got " + trim);
    }
    this.trim = trim;
  }

  @Override
  public String name() {
    return StrategyType.FEDTRIMMEDAVG.id();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("trim", Strategies.format(trim));
    return p;
  }

  /** How many values are cut at each end out of {@code n}. */
  int cut(int n) {
    return (int) Math.floor(trim * n);
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    int length = global.params().length;
    List<ClientResult> sorted = FedAvg.checked(length, results);
    int n = sorted.size();
    int cut = cut(n);
    float[] column = new float[n];
    float[] out = new float[length];
    for (int j = 0; j < length; j++) {
      Coordinates.gather(sorted, j, column);
      Arrays.sort(column);
      double sum = 0;
      for (int k = cut; k < n - cut; k++) {
        sum += column[k];
      }
      out[j] = (float) (sum / (n - 2 * cut));
    }
    return new Aggregation(new Model(global.sizes(), out), Map.of());
  }
}
