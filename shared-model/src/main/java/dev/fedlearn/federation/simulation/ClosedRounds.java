package dev.fedlearn.federation.simulation;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.federation.Evaluations;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The end of a simulated round (or version): every site scores the new global model, as the services' clients do. */
final class ClosedRounds {
  private ClosedRounds() {}

  /** A closed round and its new global model. */
  record Closed(Simulation.Round round, Model model) {}

  /**
   * The closed round {@code round}: every site scores its new global model on its local test split and reports the
   * score (unless the run is private); {@code bySite} holds the training of the sites that sent an update, by index.
   */
  static Closed scored(RunCoordinator coordinator, int round, List<Simulation.Site> sites, TrainingPlan plan,
      Map<Integer, LocalTraining.Result> bySite, Map<Integer, List<Trainer.EpochStats>> curveBySite,
      Set<String> attackers, long start, Simulation.SecAggCost cost, double simulated, Map<String, Integer> staleness,
      int threads) {
    RoundView closed = coordinator.round(round);
    Model next = coordinator.globalModel();
    // Every site scores the new global model on its local test split, and reports it unless the run is private.
    List<Evaluator.Scored> local = Parallel.map(sites.size(), threads, i -> sites.get(i).test().size() == 0
        ? new Evaluator.Scored(new Evaluation(0, 0, 0), null) : Evaluator.score(next, sites.get(i).test(), 1));
    List<Simulation.SiteRound> siteRounds = new ArrayList<>();
    List<Evaluations.Score> scores = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      String id = sites.get(i).id();
      Evaluation e = local.get(i).evaluation();
      if (!plan.isPrivate() && e.count() > 0 && Double.isFinite(e.loss())) { // as a client: no score it cannot send
        long[] confusion = local.get(i).confusion();
        request(() -> coordinator.submitEvaluation(round, new EvaluationReport(id, e.count(), e.loss(),
            e.accuracy(), confusion)));
      }
      LocalTraining.Result t = bySite.get(i);
      siteRounds.add(t == null ? new Simulation.SiteRound(id, 0, 0, 0, e.count(), e.loss(), e.accuracy(), false, false,
          List.of()) : new Simulation.SiteRound(id, t.numSamples(), t.trainLoss(), t.trainAccuracy(), e.count(), e.loss(),
              e.accuracy(), true, attackers.contains(id), curveBySite.get(i)));
      scores.add(new Evaluations.Score(e.count(), e.loss(), e.accuracy()));
    }
    Evaluations.Mean mean = Evaluations.weighted(scores);
    RoundView scored = coordinator.round(round); // with the clients' scores when they are the round's
    return new Closed(new Simulation.Round(round, orNaN(scored.globalTestLoss()), orNaN(scored.globalTestAccuracy()), siteRounds,
        (System.nanoTime() - start) / 1e9,
        staleness.isEmpty() ? closed.selected() : List.copyOf(new java.util.TreeMap<>(staleness).keySet()), mean.loss(), mean.accuracy(), cost, scored.confusion(),
        simulated, staleness), next);
  }

  private static double orNaN(Double score) {
    return score == null ? Double.NaN : score;
  }

  /** A site's request during the run; a refusal ends the run (as the coordinator's checks of an update, say). */
  static void request(Runnable call) {
    try {
      call.run();
    } catch (Refusal e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
