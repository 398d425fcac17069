package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every run a state folder keeps, and the one the aggregator serves (the current run, whose {@link RunCoordinator}
 * the clients talk to). The others are read back as {@link PastRun}s. Which run to serve is decided at start
 * ({@link #choose}): the latest kept run when it has the same definition, else a new one.
 */
public final class Runs {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  private final RunHistory history;
  private final int currentId;
  private final RunCoordinator current;

  public Runs(RunHistory history, int currentId, RunCoordinator current) {
    this.history = history;
    this.currentId = currentId;
    this.current = current;
  }

  /**
   * The run to serve with {@code definition}: the latest kept run when its definition is equal (it is resumed),
   * else a new run after it (the first is run 1). A latest run replaced before its end is stopped, saying why; the
   * earlier runs stay as they are. Runs that never opened a round do not count: started again with the settings of
   * the run before them (a start that failed, a setting mistyped and put back), the aggregator resumes that run, stopped
   * or not, and stops them.
   */
  public static int choose(RunHistory history, RunDefinition definition, Instant now) {
    List<RunHistory.Entry> runs = history.runs();
    if (runs.isEmpty()) {
      return 1;
    }
    for (int i = runs.size() - 1; i >= 0; i--) {
      RunHistory.Entry e = runs.get(i);
      if (definition.equals(RunSummary.of(e, false).definition())) {
        if (e.state().equals(RunState.STOPPED.name())) {
          history.resume(e.id());
          log.info("run {} resumed: the aggregator was started with its settings again", e.id());
        }
        for (RunHistory.Entry later : runs.subList(i + 1, runs.size())) {
          history.stop(later.id(), "stopped before it started: the aggregator went back to run " + e.id(), now);
        }
        return e.id();
      }
      if (e.startedAt() != null) {
        break; // a run that trained stands between: the settings make a new run
      }
    }
    RunHistory.Entry latest = runs.get(runs.size() - 1);
    RunSummary summary = RunSummary.of(latest, false);
    String why = summary.definition() == null ? summary.message()
        : "other settings (" + summary.definition().differences(definition, "run " + latest.id(), "now") + ")";
    int next = latest.id() + 1;
    history.stop(latest.id(), "stopped: the aggregator started run " + next + " with " + why, now);
    boolean ended = !latest.state().equals(RunState.WAITING_FOR_CLIENTS.name())
        && !latest.state().equals(RunState.TRAINING.name());
    log.info("run {} {}; starting run {} with {}", latest.id(), ended ? "is kept as it ended (" + latest.state() + ")"
        : "stopped", next, why);
    return next;
  }

  /** The run served now. */
  public RunCoordinator current() {
    return current;
  }

  /** Every kept run, oldest first. */
  public List<RunSummary> list() {
    return history.runs().stream().map(e -> RunSummary.of(e, e.id() == currentId)).toList();
  }

  /** Run {@code id}, refused as unknown when no such run is kept. */
  public RunSummary get(int id) {
    return history.runs().stream().filter(e -> e.id() == id).findFirst().map(e -> RunSummary.of(e, id == currentId))
        .orElseThrow(() -> Refusal.unknown("No such run", "run " + id + " is not kept here; GET /api/v1/runs lists "
            + "the runs"));
  }

  /**
   * Run {@code id} read back from its store when it is not the current run; empty for the current run. Refused as
   * unknown when no such run is kept, and as a conflict when this release cannot read its definition.
   */
  public Optional<PastRun> past(int id) {
    RunSummary run = get(id);
    if (id == currentId) {
      return Optional.empty();
    }
    if (run.definition() == null) {
      throw Refusal.conflict("Run unreadable", "run " + id + " cannot be shown: " + run.message());
    }
    return Optional.of(PastRun.open(history.store(id), run.definition(), run.finishedAt())
        .orElseThrow(() -> Refusal.unknown("No such run", "run " + id + " holds nothing yet")));
  }
}
