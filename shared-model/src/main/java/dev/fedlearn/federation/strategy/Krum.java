package dev.fedlearn.federation.strategy;

import dev.fedlearn.engine.nn.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Krum and Multi-Krum (Blanchard et al., 2017, "Machine learning with adversaries: Byzantine tolerant gradient
 * descent"; Flower's {@code Krum}). Of {@code n} clients of which up to {@code f} may be Byzantine, each client's
 * score is the sum of the squared Euclidean distances from its weights to those of its
 * {@code max(1, n - f - 2)} nearest other clients (at most {@code n - 1}; a lone client scores 0). Krum returns the
 * weights of the client with the lowest score; Multi-Krum the sample-weighted mean ({@link FedAvg}, as Flower) of
 * the {@code keep} clients with the lowest scores ({@code keep = 0}: {@code n - f}, Blanchard et al.'s choice;
 * more than {@code n}: all). Distances are summed in double, in index order; ties go to the lower client id.
 * Stateless.
 */
public final class Krum implements Strategy {
  private final int byzantine;
  private final int keep;
  private final boolean multi;

  /** Krum: the single best client. */
  public static Krum krum(int byzantine) {
    return new Krum(byzantine, 1, false);
  }

  /** Multi-Krum: the mean of the {@code keep} best clients ({@code 0}: {@code n - byzantine}). */
  public static Krum multiKrum(int byzantine, int keep) {
    return new Krum(byzantine, keep, true);
  }

  private Krum(int byzantine, int keep, boolean multi) {
    if (byzantine < 0) {
      throw new IllegalArgumentException("byzantine must be 0 or more, got " + byzantine);
    }
    if (keep < 0) {
      throw new IllegalArgumentException("keep must be 0 or more, got " + keep);
    }
    this.byzantine = byzantine;
    this.keep = keep;
    this.multi = multi;
  }

  @Override
  public String name() {
    return (multi ? StrategyType.MULTIKRUM : StrategyType.KRUM).id();
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("byzantine", Integer.toString(byzantine));
    if (multi) {
      p.put("keep", Integer.toString(keep));
    }
    return p;
  }

  /** The neighbours each score counts among {@code n} clients. */
  int neighbours(int n) {
    return Math.min(Math.max(1, n - byzantine - 2), n - 1);
  }

  /** The Krum score of every one of the (checked, sorted) results. */
  double[] scores(List<ClientResult> sorted) {
    int n = sorted.size();
    double[][] dist = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        float[] wa = sorted.get(a).weights();
        float[] wb = sorted.get(b).weights();
        double s = 0;
        for (int j = 0; j < wa.length; j++) {
          double d = (double) wa[j] - wb[j];
          s += d * d;
        }
        dist[a][b] = s;
        dist[b][a] = s;
      }
    }
    int k = neighbours(n);
    double[] scores = new double[n];
    double[] others = new double[Math.max(0, n - 1)];
    for (int a = 0; a < n; a++) {
      int c = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) {
          others[c++] = dist[a][b];
        }
      }
      java.util.Arrays.sort(others);
      double s = 0;
      for (int i = 0; i < k; i++) {
        s += others[i];
      }
      scores[a] = s;
    }
    return scores;
  }

  /** The clients chosen from the (checked, sorted) results, best score first. */
  List<ClientResult> chosen(List<ClientResult> sorted) {
    double[] scores = scores(sorted);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i)); // ties: lower id
    int n = sorted.size();
    int count = !multi ? 1 : Math.min(n, keep == 0 ? Math.max(1, n - byzantine) : keep);
    List<ClientResult> best = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      best.add(sorted.get(order.get(i)));
    }
    return best;
  }

  @Override
  public Aggregation aggregate(int round, Model global, List<ClientResult> results, List<String> failures,
      Map<String, float[]> state) {
    int length = global.params().length;
    List<ClientResult> best = chosen(FedAvg.checked(length, results));
    float[] out = multi ? FedAvg.average(length, best) : best.get(0).weights().clone();
    return new Aggregation(new Model(global.sizes(), out), Map.of());
  }
}
