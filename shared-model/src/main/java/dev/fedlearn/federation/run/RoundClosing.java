package dev.fedlearn.federation.run;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closing of a round: its updates aggregated by the strategy and the new global model scored, or, when that
 * would break a promise, the round closed without them; then the next round opens, or the run completes.
 */
final class RoundClosing {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private RoundClosing() {}

  static void aggregate(RunCoordinator c, RunLedger.Round open) {
    List<ClientResult> results = new ArrayList<>();
    for (ClientUpdate u : open.updates.values()) {
      results.add(new ClientResult(u.clientId(), u.weights(), u.numSamples()));
    }
    aggregate(c, open, results);
  }

  static void aggregate(RunCoordinator c, RunLedger.Round open, List<ClientResult> results) {
    Strategy.Aggregation next;
    try {
      next = c.strategy.aggregate(open.number, c.run.global, results, c.run.missing(open), c.run.strategyState);
    } catch (AggregationException e) {
      c.fail("round " + open.number + " could not be aggregated: " + e.getMessage());
      return;
    }
    Evaluation score = c.scorer == null ? null : c.scorer.apply(next.model());
    close(c, open, next, score, c.workflow instanceof BufferedVersions
        ? "version " + open.number + " made (" + c.strategy.name() + ", " + open.updates.size() + " changes)"
        : "round " + open.number + " aggregated (" + c.strategy.name() + ", " + open.updates.size() + " updates)");
  }

  /**
   * Closes a round that cannot be aggregated without breaking a promise (its secure aggregation failed once shares
   * were revealed): the global model stays as it is, and the next round opens.
   */
  static void closeWithoutUpdate(RunCoordinator c, RunLedger.Round open, String why) {
    open.updates.clear();
    close(c, open, new Strategy.Aggregation(c.run.global, c.run.strategyState), c.run.lastScore(),
        "round " + open.number + " closed with no update: " + why);
  }

  /** Makes {@code next} the global model and closes the round; opens the next one, or completes the run. */
  private static void close(RunCoordinator c, RunLedger.Round open, Strategy.Aggregation next, Evaluation score,
      String what) {
    if (c.accountant != null) {
      c.accountant.closed(open);
    }
    Instant now = c.now();
    boolean last = open.number == c.rules.rounds();
    c.store.roundClosed(new RunStore.StoredRound(open.number, open.startedAt, now,
        score == null ? null : score.accuracy(), score == null ? null : score.loss(), next.model().params(),
        next.state()), (last ? RunState.COMPLETED : RunState.TRAINING).name(),
        last ? null : RunStore.StoredRound.opening(open.number + 1, now));
    c.run.global = next.model();
    c.run.strategyState = next.state();
    c.run.completed = open.number;
    open.score = score;
    open.endedAt = now;
    c.run.keep(open.number, next.model().params(), c.rules.rounds());
    c.run.scores.add(score);
    for (ClientUpdate u : open.updates.values()) { // the weights are in the global model now
      open.updates.put(u.clientId(), u.withoutWeights());
    }
    Duration took = Duration.between(open.startedAt, now);
    String scored;
    Map<String, Double> figures;
    if (score == null) {
      scored = "its clients score it";
      figures = Map.of("seconds", took.toNanos() / 1e9);
    } else {
      scored = "global test accuracy " + RunCoordinator.pct(score.accuracy()) + ", loss "
          + String.format(Locale.ROOT, "%.4f", score.loss());
      figures = Map.of("accuracy", score.accuracy(), "loss", score.loss(), "seconds", took.toNanos() / 1e9);
    }
    String unit = c.workflow instanceof BufferedVersions ? " versions" : " rounds";
    log.info("{} (of {}{}): {}", what, c.rules.rounds(), unit, scored);
    c.events.record(RunEvent.Type.AGGREGATED, open.number, null, what + ": " + scored, figures);
    if (last) {
      c.run.state = RunState.COMPLETED;
      log.info("run completed: {}{}, {}", c.rules.rounds(), unit, scored);
      c.events.record(RunEvent.Type.STATE, open.number, null, "run completed: " + c.rules.rounds()
          + unit + ", " + (score == null ? "its clients score the final model" : "final " + scored));
      if (c.rules.crossSite() && !c.privateRun) {
        c.crossSite.start("asked for by FL_CROSS_SITE");
      }
      c.board.post(c.current());
    } else {
      c.openRound(c.run.completed + 1, now);
    }
  }
}
