package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.Refusal;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The clients' scores of the global models: one per client and round, checked against what the client registered. */
final class ClientScores {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private ClientScores() {}

  /** Checks, stores and records {@code e}, client {@code client}'s score of round {@code round}'s model. */
  static void take(RunCoordinator c, int round, EvaluationReport e, RunCoordinator.Client client) {
    if (c.privateRun) {
      throw Refusal.conflict("Private run", "this run has secure aggregation or differential privacy: it takes "
          + "no client's own score, which would be outside the privacy guarantee");
    }
    if (round < 1 || round > c.run.completed) {
      throw Refusal.unknown("No such round", "round " + round + " has no global model"
          + (c.run.completed == 0 ? " yet" : "; rounds 1.." + c.run.completed + " have"));
    }
    RunLedger.Round r = c.run.history.get(round - 1);
    if (r.evaluations.containsKey(e.clientId())) {
      throw Refusal.conflict("Duplicate evaluation", "client " + e.clientId()
          + " already scored the global model of round " + round);
    }
    RequestChecks.evaluation(e, client.testSamples(), c.definition().layerSizes().classes());
    Instant now = c.now();
    c.store.evaluationReceived(new RunStore.StoredEvaluation(round, e.clientId(), e.numSamples(), e.loss(),
        e.accuracy(), now, e.confusion()));
    if (e.confusion() != null) {
      r.confusions.put(e.clientId(), e.confusion().clone());
    }
    r.evaluations.put(e.clientId(), new RoundView.Evaluation(e.clientId(), e.numSamples(), e.loss(), e.accuracy(),
        now));
    if (c.scorer == null) { // the server holds no test set: the clients' scores are the round's
      c.run.scoreByClients(r);
    }
    log.info("round {}: {} scores the global model {} on its {} local test samples", round, e.clientId(),
        RunCoordinator.pct(e.accuracy()), e.numSamples());
    c.events.record(RunEvent.Type.EVALUATION, round, e.clientId(), e.clientId() + " scores the global model of round "
        + round + " " + RunCoordinator.pct(e.accuracy()) + " on its " + e.numSamples() + " local test samples",
        Map.of("accuracy", e.accuracy(), "loss", e.loss()));
  }
}
