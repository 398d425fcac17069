package dev.fedlearn.federation.run;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.RunState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run starts over what its store holds: a new run (stored with its definition as JSON), the stored run
 * resumed (its definition equal to this one), or no run at all, with the reason, when the store holds another.
 *
 * @param ledger the run's record
 * @param refusal why this aggregator serves no run; null when it serves one
 */
record RunOpening(RunLedger ledger, String refusal) {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  /** Opens the run of {@code c}, which {@code definition} defines, from {@code initial} (scored by {@code scorer}). */
  static RunOpening open(RunCoordinator c, RunDefinition definition, Model initial,
      Function<Model, Evaluation> scorer, String strategy) {
    Optional<RunStore.Stored> stored = c.store.load(round -> ModelRetention.keeps(round, c.rules.rounds()))
        .filter(st -> !st.state().equals(RunState.QUEUED.name())); // a queued run begins now
    String otherRun = stored.map(st -> otherRun(st.settings(), definition)).orElse(null);
    if (otherRun != null) {
      String refusal = "the state folder holds " + otherRun + ": start with the stored settings to resume it, or "
          + "move the state folder (FL_STATE_DIR; in compose: docker compose down -v) away to start a new run";
      RunLedger run = new RunLedger(initial, () -> scorer == null ? null : scorer.apply(initial));
      run.state = RunState.FAILED;
      run.message = "not started: " + refusal;
      log.error("not started: {}", refusal);
      return new RunOpening(run, refusal);
    }
    if (stored.isPresent()) {
      RunLedger run = RunLedger.restore(stored.get(), initial.sizes(), c.rules.rounds(), c::pick);
      RunLedger.Round open = run.openRound();
      String resumed = run.state + ", " + run.completed + " of " + c.rules.rounds() + " rounds done, "
          + run.clients.size() + " clients" + (open == null ? "" : "; round " + open.number + " open with "
              + open.updates.size() + " of " + open.picked.size() + " updates");
      log.info("resumed the stored run: {}", resumed);
      c.events.record(RunEvent.Type.RESTARTED, open == null ? null : open.number, null,
          "the aggregator restarted and resumed the stored run: " + resumed);
      return new RunOpening(run, null);
    }
    if (c.store == RunStore.NONE) { // a run kept nowhere (fl simulate's): the initial model is scored if asked for
      log.info("run of {} rounds for {} clients, {} epochs per round", c.rules.rounds(), c.rules.clients(),
          c.training.epochs());
      c.events.record(RunEvent.Type.STATE, 0, null, "run of " + c.rules.rounds() + " rounds for " + c.rules.clients()
          + " clients (" + strategy + "), waiting for them to register");
      return new RunOpening(new RunLedger(initial, () -> scorer == null ? null : scorer.apply(initial)), null);
    }
    Evaluation initialScore = scorer == null ? null : scorer.apply(initial);
    Instant now = c.now();
    c.store.begin(definition, RunState.WAITING_FOR_CLIENTS.name(), new RunStore.StoredRound(0, now, now,
        initialScore == null ? null : initialScore.accuracy(), initialScore == null ? null : initialScore.loss(),
        initial.params()), now);
    String score = initialScore == null ? (scorer == null ? "the server holds no test set: the clients score the "
        + "global models" : "the initial model is not scored") : "the initial model scores "
        + RunCoordinator.pct(initialScore.accuracy()) + " on the test set";
    log.info("run of {} rounds for {} clients, {} epochs per round; {}", c.rules.rounds(), c.rules.clients(),
        c.training.epochs(), score);
    log.info("waiting for {} clients to register", c.rules.clients());
    c.events.record(RunEvent.Type.STATE, 0, null, "run of " + c.rules.rounds() + " rounds for " + c.rules.clients()
        + " clients (" + strategy + "), waiting for them to register; " + score, initialScore == null ? Map.of()
        : Map.of("accuracy", initialScore.accuracy(), "loss", initialScore.loss()));
    return new RunOpening(new RunLedger(initial, () -> initialScore), null);
  }

  /** What the stored run is when it is not this one ({@code settings} as stored), or null when it is. */
  private static String otherRun(String settings, RunDefinition definition) {
    RunDefinition was;
    try {
      was = RunDefinition.fromJson(settings);
    } catch (IllegalArgumentException e) {
      return "a run this release cannot read (stored by another release? " + e.getMessage() + ")";
    }
    return was.equals(definition) ? null
        : "a run with other settings (" + was.differences(definition, "stored", "now") + ")";
  }
}
