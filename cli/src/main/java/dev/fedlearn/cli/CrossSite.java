package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.federation.simulation.Simulation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code simulate --cross-site}: cross-site evaluation (NVIDIA FLARE's cross-site validation). After the run every
 * site scores the final global model and every site's last local model (as it trained it, before any attack it
 * sends instead) on its own test split: an N x (N + 1) matrix
 * of accuracies, a row per site that scored, a column per model (the global one first). A column shows how well a
 * site's model carries to the others' data; a row, which models serve a site.
 */
final class CrossSite {
  private CrossSite() {}

  /**
   * Scores {@code global} and {@code local} (each site's last trained weights, by id) on each of {@code sites}' test
   * splits, prints the matrix to {@code out} and returns the JSON line's field.
   */
  static Map<String, Object> run(List<Simulation.Site> sites, Model global, Map<String, float[]> local, int threads,
      PrintWriter out) {
    List<Simulation.Site> scoring = sites.stream().filter(s -> s.test().size() > 0).toList();
    if (scoring.isEmpty()) {
      throw new IllegalArgumentException("--cross-site needs the sites' test splits to score the models on: lower "
          + "--train-fraction below 1");
    }
    List<String> names = new ArrayList<>(List.of("global"));
    List<Model> models = new ArrayList<>(List.of(global));
    for (Simulation.Site site : sites) { // the sites' order: each site's own model on the matrix's diagonal
      float[] weights = local.get(site.id());
      if (weights != null) {
        names.add(site.id());
        models.add(new Model(global.sizes(), weights));
      }
    }
    int columns = models.size();
    List<Double> cells = Parallel.map(scoring.size() * columns, threads, k -> Evaluator.evaluate(models.get(k % columns),
        scoring.get(k / columns).test(), 1).accuracy());
    out.println("cross-site evaluation: each site (row) scores each model (column) on its own test split");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-12s", "site \\ model"));
    names.forEach(n -> head.append(String.format(Locale.ROOT, " %10s", n)));
    out.println(head);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int r = 0; r < scoring.size(); r++) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-12s", scoring.get(r).id()));
      List<Double> scores = new ArrayList<>();
      for (int m = 0; m < columns; m++) {
        double a = cells.get(r * columns + m);
        line.append(String.format(Locale.ROOT, " %9.2f%%", 100 * a));
        scores.add(Json.round(a, 6));
      }
      out.println(line);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("site", scoring.get(r).id());
      row.put("testSamples", scoring.get(r).test().size());
      row.put("accuracy", scores);
      rows.add(row);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("models", names);
    json.put("rows", rows);
    return Map.of("crossSite", json);
  }
}
