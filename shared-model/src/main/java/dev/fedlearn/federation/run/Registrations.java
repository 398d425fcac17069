package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients' registrations: taken while the run waits for its clients, each within the bounds on samples and what
 * the run's workflow can take; the last one the run expects opens round 1.
 */
final class Registrations {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private Registrations() {}

  /** A refusal after which the client sits the run out and takes part in the next ({@link ProblemTypes#NOT_IN_RUN}). */
  private static Refusal notInRun(String title, String detail) {
    return new Refusal(Refusal.Kind.CONFLICT, title, detail, ProblemTypes.NOT_IN_RUN);
  }

  /** Takes {@code r} into run {@code c}; whether that changed the run (false: the client was registered already). */
  static boolean take(RunCoordinator c, ClientRegistration r) {
    RunLedger run = c.run;
    RequestChecks.registration(r);
    String id = r.clientId();
    if (run.clients.containsKey(id)) {
      log.info("client {} registered again", id);
      return false;
    }
    if (run.state != RunState.WAITING_FOR_CLIENTS && run.state != RunState.TRAINING) {
      throw notInRun("Run is over", "the run is " + run.state + "; no new clients are taken");
    }
    List<String> sites = c.definition().sites();
    if (sites != null && !sites.contains(id)) {
      throw notInRun("Not one of the run's sites", "client " + id + " is not one of this run's sites " + sites);
    }
    if (run.clients.size() >= c.rules.clients()) {
      throw notInRun("Run is full", "the run already has its " + c.rules.clients() + " clients "
          + run.clients.keySet());
    }
    if (r.trainSamples() > c.rules.maxClientSamples() || r.testSamples() > c.rules.maxClientSamples()) {
      throw Refusal.invalid("a client may register at most " + c.rules.maxClientSamples() + " training and test "
          + "samples each (FL_MAX_CLIENT_SAMPLES), got " + r.trainSamples() + " and " + r.testSamples());
    }
    boolean secure = c.definition().secureAggregation() != null;
    TableSchema schema = c.definition().data().schema();
    if (schema != null && secure && r.sums() != null) {
      throw Refusal.invalid("this run sums the clients' column sums through secure aggregation before round 1: a "
          + "registration brings none in the clear");
    }
    if (schema != null && secure && !Integer.valueOf(schema.inputs()).equals(r.columns())) {
      throw notInRun("Not the run's data", "this run learns from a table of " + schema.inputs() + " feature columns; "
          + "client " + id + " registered " + (r.columns() == null ? "no table (a shard of images?)"
              : "a table of " + r.columns()));
    }
    if (r.columns() != null && (schema == null || !secure)) {
      throw Refusal.invalid("columns stands in for the column sums of a table's run with secure aggregation only");
    }
    if (c.definition().data().schema() != null && !secure && r.sums() == null) {
      throw notInRun("Not the run's data", "this run learns from a table of " + c.definition().data().schema().inputs()
          + " feature columns; client " + id + " registered without its column sums (a shard of images?): it sits "
          + "the run out");
    }
    if (!secure || schema == null) { // under secure aggregation a table's sums come masked, before round 1
      RequestChecks.sums(r, schema);
    }
    c.workflow.admit(r, run.clients.values());
    Instant now = c.now();
    boolean starts = run.clients.size() + 1 == c.rules.clients() && run.state == RunState.WAITING_FOR_CLIENTS;
    c.store.clientRegistered(new RunStore.StoredClient(id, r.trainSamples(), r.testSamples(), now, r.sums()),
        (starts ? RunState.TRAINING : run.state).name(), starts ? RunStore.StoredRound.opening(1, now) : null);
    run.clients.put(id, new RunCoordinator.Client(id, r.trainSamples(), r.testSamples(), now, r.sums()));
    log.info("client {} registered ({} train / {} test samples): {}/{}", id, r.trainSamples(), r.testSamples(),
        run.clients.size(), c.rules.clients());
    c.events.record(RunEvent.Type.REGISTERED, null, id, "client " + id + " registered" + (c.privateRun ? ""
        : " (" + r.trainSamples() + " train / " + r.testSamples() + " test samples)") + ": " + run.clients.size() + "/"
        + c.rules.clients());
    if (starts) {
      run.state = RunState.TRAINING;
      c.openRound(1, now);
    }
    return true;
  }

  /**
   * Run {@code c}'s table: its schema and, once known, its standardization ({@link #standardization}, kept in the
   * ledger). Null for images.
   */
  static TrainingPlan.Table table(RunCoordinator c) {
    TableSchema schema = c.definition().data().schema();
    if (schema == null) {
      return null;
    }
    RunLedger run = c.run;
    if (run.standardization == null) {
      run.standardization = standardization(run, c.rules.clients());
    }
    return new TrainingPlan.Table(schema, run.standardization);
  }

  /**
   * The standardization of a table's run of {@code clients} clients: from their column sums as secure aggregation
   * summed them, or from each one's sums once all registered (exact sums: any order of registration gives the same
   * bits); null before.
   */
  static Standardization standardization(RunLedger run, int clients) {
    if (run.columnSums != null) {
      return Standardization.of(List.of(run.columnSums));
    }
    if (run.clients.size() < clients || run.clients.values().stream().anyMatch(k -> k.sums() == null)) {
      return null;
    }
    return Standardization.of(run.clients.values().stream().map(RunCoordinator.Client::sums).toList());
  }
}
