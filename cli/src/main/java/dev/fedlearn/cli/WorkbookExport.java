package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.workbook.RunReport;
import dev.fedlearn.workbook.Workbook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code simulate --out}: the run as the workbook the aggregator serves. */
final class WorkbookExport {
  private WorkbookExport() {}

  /**
   * Writes the run to {@code file}: the JSON line's settings (but the per-client and per-round lists), every round,
   * the models the Weights sheet shows, the initial model's scores on {@code test} ({@code threads} score it).
   *
   * @param rounds the rounds the run was to have
   * @param scored whether the clients have local test data
   */
  static void write(Path file, Map<String, Object> json, List<Simulation.Site> sites, SimulationRun run,
      Features test, Model initial, int rounds, boolean scored, int threads) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    json.forEach((k, v) -> {
      if (!k.equals("clientsPerRound") && !k.equals("trainSamples")) {
        settings.put(k, v instanceof float[] f ? Arrays.toString(f) : String.valueOf(v));
      }
    });
    List<Simulation.Round> history = run.history();
    List<RunReport.Round> reported = new ArrayList<>();
    for (Simulation.Round r : history) {
      List<RunReport.Training> trained = new ArrayList<>();
      List<RunReport.Evaluation> scores = new ArrayList<>();
      for (Simulation.SiteRound s : r.sites()) {
        if (s.picked()) {
          trained.add(new RunReport.Training(s.clientId(), s.trainSamples(), s.trainLoss(), s.trainAccuracy(), null,
              s.epochs().stream().map(e -> new RunReport.Epoch(e.epoch(), e.loss(), e.accuracy())).toList()));
        }
        if (s.testSamples() > 0) {
          scores.add(new RunReport.Evaluation(s.clientId(), s.testSamples(), s.testLoss(), s.testAccuracy(), null));
        }
      }
      reported.add(new RunReport.Round(r.round(), r.picked(), r.picked(), r.globalTestAccuracy(), r.globalTestLoss(),
          scored ? r.clientTestAccuracy() : null, r.seconds(), null, null, trained, scores,
          epsilon(run.accountant(), r.round())));
    }
    Evaluation first = Evaluator.evaluate(initial, test, threads);
    String state = (history.size() < rounds ? "stopped at the target accuracy" : "COMPLETED") + " after "
        + history.size() + " of " + rounds + " rounds";
    List<RunReport.Client> clients = sites.stream().map(s -> new RunReport.Client(s.id(), s.train().size(),
        s.test().size(), null)).toList();
    try (var out = Files.newOutputStream(file)) {
      Workbook.write(new RunReport(settings, state, clients, reported, first.accuracy(), first.loss(),
          initial.sizes(), run.shownModels(), history.size(), List.of(), history.get(history.size() - 1).confusion(),
          personalized(json)).withCrossSite(crossSite(json)), out);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such folder for the workbook", e);
    }
  }

  /** The epsilon spent after {@code round}, or null without differential privacy (or without noise). */
  private static Double epsilon(ParticipationAccountant accountant, int round) {
    double e = accountant == null ? Double.NaN : accountant.spentAfterRound(round).epsilon();
    return Double.isFinite(e) ? e : null;
  }

  /** The matrix {@code simulate --cross-site} put in the JSON line ({@link CrossSite}); null without. */
  @SuppressWarnings("unchecked")
  private static RunReport.CrossSite crossSite(Map<String, Object> json) {
    if (!(json.get("crossSite") instanceof Map<?, ?> x)) {
      return null;
    }
    return new RunReport.CrossSite((List<String>) x.get("models"), ((List<Map<String, Object>>) x.get("rows"))
        .stream().map(r -> new RunReport.CrossSiteRow((String) r.get("site"), ((Number) r.get("testSamples"))
            .longValue(), ((List<Number>) r.get("accuracy")).stream().map(Number::doubleValue).toList())).toList());
  }

  /** The sites' personalizations that {@code simulate --personalize-epochs} put in the JSON line; empty without. */
  @SuppressWarnings("unchecked")
  private static List<RunReport.Personalized> personalized(Map<String, Object> json) {
    Object rows = json.get("personalized");
    if (!(rows instanceof List<?> list)) {
      return List.of();
    }
    int epochs = (Integer) json.get("personalizeEpochs");
    return list.stream().map(r -> (Map<String, Object>) r).map(r -> new RunReport.Personalized(
        (String) r.get("client"), epochs, ((Number) r.get("testSamples")).longValue(),
        ((Number) r.get("global")).doubleValue(), ((Number) r.get("personalized")).doubleValue())).toList();
  }
}
