package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.PersonalizedReport;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Instant;
import java.util.List;

/**
 * The clients' personalization reports: once the run completed, a client that fine-tuned the final global model on
 * its own training split ({@code FL_PERSONALIZE_EPOCHS}) reports its score beside the global model's, on the same
 * local test samples. Taken once per client, never in a private run (the scores are the client's own), and kept with
 * the run.
 */
final class Personalizations {

  private Personalizations() {}

  /** Checks, stores and records {@code r}, a registered client's personalization of the model of round {@code round}. */
  static void take(RunCoordinator c, int round, PersonalizedReport r) {
    if (r == null || r.clientId() == null) {
      throw Refusal.invalid("clientId is required");
    }
    RunCoordinator.Client client = c.registered(r.clientId());
    if (c.privateRun) {
      throw Refusal.conflict("Private run", "this run has secure aggregation or differential privacy: it takes "
          + "no client's own score, which would be outside the privacy guarantee");
    }
    if (c.run.state != RunState.COMPLETED || round != c.run.completed) {
      throw Refusal.conflict("Run not completed", "personalization scores are taken once the run has completed, for "
          + "its last round's model; the run is " + c.run.state + " after round " + c.run.completed);
    }
    if (c.run.personalized.containsKey(r.clientId())) {
      throw Refusal.conflict("Duplicate personalization", "client " + r.clientId() + " already reported its "
          + "personalization");
    }
    if (r.epochs() < 1 || r.epochs() > PersonalizedReport.MAX_EPOCHS) {
      throw Refusal.invalid("epochs must be between 1 and " + PersonalizedReport.MAX_EPOCHS + ", got " + r.epochs());
    }
    RequestChecks.scoredSamples(r.numSamples(), client);
    if (!share(r.globalAccuracy(), r.numSamples()) || !share(r.accuracy(), r.numSamples())
        || !Double.isFinite(r.loss()) || r.loss() < 0) {
      throw Refusal.invalid("globalAccuracy and accuracy must each be a share of the " + r.numSamples()
          + " samples scored (in [0, 1]), and loss finite and 0 or more");
    }
    Instant now = c.now();
    c.store.personalizedReceived(new RunStore.StoredPersonalized(r, now));
    c.run.personalized.put(r.clientId(), new PersonalizedReport(r.clientId(), r.epochs(), r.numSamples(),
        r.globalAccuracy(), r.loss(), r.accuracy()));
    c.events.record(RunEvent.Type.EVALUATION, round, r.clientId(), "client " + r.clientId() + " personalized the "
        + "final model (" + r.epochs() + " epochs on its own training split): " + RunCoordinator.pct(r.accuracy())
        + " on its test split, the global model " + RunCoordinator.pct(r.globalAccuracy()));
  }

  /** Whether {@code accuracy} is a count of {@code n} samples over {@code n}. */
  static boolean share(double accuracy, long n) {
    if (!(accuracy >= 0 && accuracy <= 1)) {
      return false;
    }
    double correct = accuracy * n;
    return Math.abs(correct - Math.rint(correct)) <= 1e-6 * Math.max(1, n);
  }

  /** The reports so far, by client id. */
  static List<PersonalizedReport> all(RunLedger run) {
    return List.copyOf(run.personalized.values());
  }
}
