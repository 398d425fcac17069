package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Personalization;
import dev.fedlearn.federation.simulation.Simulation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code simulate --personalize-epochs F}: after the run, every site fine-tunes the final global model on its own
 * training split ({@link Personalization}) and scores both on its own test split; one line per site, and the JSON
 * line's {@code personalized} list.
 */
final class PersonalizedSites {
  private PersonalizedSites() {}

  /**
   * Fine-tunes {@code last} on each of {@code sites} (their inputs as the run made them) for {@code epochs} epochs,
   * prints each site's scores to {@code out}, and returns the JSON line's fields.
   */
  static Map<String, Object> run(List<Simulation.Site> sites, Model last, TrainingConfig config, int rounds,
      int epochs, int threads, PrintWriter out) {
    List<Simulation.Site> scored = sites.stream().filter(s -> s.test().size() > 0).toList();
    if (scored.isEmpty()) {
      throw new IllegalArgumentException("--personalize-epochs needs the sites' test splits to score the personalized "
          + "models: lower --train-fraction below 1");
    }
    List<Personalization.Result> results = Parallel.map(scored.size(), threads, k -> Personalization.fineTune(last,
        scored.get(k).train(), scored.get(k).test(), config, epochs, scored.get(k).id(), rounds, 1));
    out.printf(Locale.ROOT, "personalized: %d epochs on each site's own training split, scored on its test split%n",
        epochs);
    List<Map<String, Object>> rows = new ArrayList<>();
    double global = 0;
    double personal = 0;
    for (int k = 0; k < scored.size(); k++) {
      Personalization.Result r = results.get(k);
      out.printf(Locale.ROOT, "  %s  global %.2f%%  personalized %.2f%%  (%+.2f points)%n", scored.get(k).id(),
          100 * r.global().accuracy(), 100 * r.personalized().accuracy(),
          100 * (r.personalized().accuracy() - r.global().accuracy()));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("client", scored.get(k).id());
      row.put("testSamples", r.global().count());
      row.put("global", Json.round(r.global().accuracy(), 6));
      row.put("personalized", Json.round(r.personalized().accuracy(), 6));
      rows.add(row);
      global += r.global().accuracy();
      personal += r.personalized().accuracy();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("personalizeEpochs", epochs);
    json.put("personalized", rows);
    json.put("meanGlobalSiteAccuracy", Json.round(global / scored.size(), 6));
    json.put("meanPersonalizedSiteAccuracy", Json.round(personal / scored.size(), 6));
    return json;
  }
}
