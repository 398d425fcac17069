package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every run a state folder keeps, and the one the aggregator serves (the current run, whose {@link RunCoordinator}
 * the clients talk to); the others are read back as {@link PastRun}s. Runs execute one at a time in the order they
 * were queued: the environment's run ({@link #start}), then the submitted ones ({@link #submit}); when the current
 * run ends (completed, failed or stopped) the next queued run starts ({@link #advance}), and whoever follows the
 * current run ({@link #follow}) is told.
 */
public final class Runs {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  /** Builds the coordinator of run {@code id}: resumed from its store when it began, else begun there. */
  @FunctionalInterface
  public interface Opener {
    RunCoordinator open(int id, RunDefinition definition);
  }

  /** The run served and its id. */
  public record Served(int id, RunCoordinator run) {}

  private final RunHistory history;
  private final Opener opener;
  private final Clock clock;
  private final RunDefinition environment;
  private final Deque<Integer> waiting = new ArrayDeque<>(); // runs to serve after the current one, in order
  private final List<Consumer<Served>> followers = new CopyOnWriteArrayList<>();
  /** How a run replaced by new environment settings is stopped: only such a run is taken back ({@link #start}). */
  static final String REPLACED = "stopped: the aggregator was started with ";
  /** The most runs that may wait at once. */
  public static final int MAX_QUEUED = 100;
  private volatile Served served;

  /** Runs that serve {@code current} as run {@code id} and start no other (for tests). */
  public Runs(RunHistory history, int id, RunCoordinator current) {
    this.history = history;
    this.opener = (i, d) -> {
      throw new IllegalStateException("no run can be opened here");
    };
    this.clock = Clock.systemUTC();
    this.environment = current == null ? null : current.definition();
    this.served = new Served(id, current);
  }

  private Runs(RunHistory history, RunDefinition environment, Opener opener, Clock clock) {
    this.history = history;
    this.opener = opener;
    this.clock = clock;
    this.environment = environment;
  }

  /**
   * The runs of a state folder when the aggregator starts with {@code environment}: the environment's run is kept
   * ({@link #environmentRun}), then the first run that has not ended is served (resumed when it began, begun when it
   * was queued), else the latest run as it ended.
   */
  public static Runs start(RunHistory history, RunDefinition environment, Opener opener, Clock clock) {
    Runs runs = new Runs(history, environment, opener, clock);
    int own = environmentRun(history, environment, clock);
    for (RunHistory.Entry e : history.runs()) {
      if (!ended(e.state())) {
        runs.waiting.add(e.id());
      }
    }
    synchronized (runs) {
      if (!runs.openNext()) {
        runs.open(own, environment); // every run has ended: the environment's is served as it ended
      }
    }
    return runs;
  }

  /**
   * Keeps the run the environment defines. When the latest run the environment defined has an equal definition,
   * nothing changes: that run goes on, or stays as it ended. Else a new run with {@code environment} is queued, and
   * the environment's earlier run is stopped when it had not ended, saying why. Runs that never opened a round do not
   * count: started again with the settings of the environment's run before them (a start that failed, a setting
   * mistyped and put back), the aggregator takes that run back (resumed when they had replaced it, as it ended
   * otherwise), and stops them. Returns the id of the environment's run.
   */
  static int environmentRun(RunHistory history, RunDefinition environment, Clock clock) {
    List<RunHistory.Entry> own = history.runs().stream().filter(e -> !e.submitted()).toList();
    for (int i = own.size() - 1; i >= 0; i--) {
      RunHistory.Entry e = own.get(i);
      if (environment.equals(RunSummary.of(e, false).definition())) {
        if (i < own.size() - 1) {
          if (e.state().equals(RunState.STOPPED.name()) && e.message() != null && e.message().startsWith(REPLACED)) {
            history.resume(e.id());
            log.info("run {} resumed: the aggregator was started with its settings again", e.id());
          }
          for (RunHistory.Entry later : own.subList(i + 1, own.size())) {
            history.stop(later.id(), "stopped before it started: the aggregator went back to run " + e.id(),
                clock.instant());
          }
        }
        return e.id();
      }
      if (e.startedAt() != null) {
        break; // a run that trained stands between: the settings make a new run
      }
    }
    int next = history.queue(environment, false, clock.instant());
    if (own.isEmpty()) {
      return next;
    }
    RunHistory.Entry latest = own.get(own.size() - 1);
    RunSummary summary = RunSummary.of(latest, false);
    String why = summary.definition() == null ? summary.message()
        : "other settings (" + summary.definition().differences(environment, "run " + latest.id(), "now") + ")";
    for (RunHistory.Entry e : own) {
      if (!ended(e.state())) {
        history.stop(e.id(), REPLACED + why + ", which make run " + next, clock.instant());
      }
    }
    log.info("run {} {}; run {} queued with {}", latest.id(), ended(latest.state()) ? "is kept as it ended ("
        + latest.state() + ")" : "stopped", next, why);
    return next;
  }

  private static boolean ended(String state) {
    return !state.equals(RunState.QUEUED.name()) && !state.equals(RunState.WAITING_FOR_CLIENTS.name())
        && !state.equals(RunState.TRAINING.name());
  }

  /** The run the aggregator's environment defines: what a submitted run's fields left out are taken from. */
  public RunDefinition environment() {
    return environment;
  }

  /** The run served now. */
  /** Answers every waiting long poll of the served run now, with its model as it is: the aggregator is stopping. */
  public void releasePolls() {
    current().board.releaseAll();
  }

  public RunCoordinator current() {
    return served.run();
  }

  /** The run served now and its id. */
  public Served served() {
    return served;
  }

  /**
   * Tells {@code follower} the run served now, and every run served after it as it starts (on the thread that starts
   * it, before it is served).
   */
  public void follow(Consumer<Served> follower) {
    synchronized (this) {
      followers.add(follower);
      follower.accept(served);
    }
  }

  /** Queues a run of {@code definition} submitted to the federation; it starts now when no run is going on. */
  public synchronized RunSummary submit(RunDefinition definition) {
    if (waiting.size() >= MAX_QUEUED) {
      throw new Refusal(Refusal.Kind.BUSY, "Queue full", MAX_QUEUED + " runs wait already; stop one "
          + "(POST /api/v1/runs/{id}/stop) or wait for them");
    }
    int id = history.queue(definition, true, clock.instant());
    waiting.add(id);
    log.info("run {} submitted: {} rounds of {}", id, definition.rounds(), definition.strategy().name());
    advance();
    return get(id);
  }

  /**
   * Stops run {@code id} before its end, saying {@code reason}: the current run (its clients are told, and the next
   * queued run starts) or a queued one. Refused as a conflict for a run that has ended.
   */
  public synchronized RunSummary stop(int id, String reason) {
    RunSummary run = get(id);
    if (id == served.id() && served.run().stop(reason)) {
      history.stop(id, reason, clock.instant()); // drops the open round's updates
    } else if (id != served.id() && waiting.remove(id)) {
      history.stop(id, reason, clock.instant());
      log.info("run {} stopped before it started: {}", id, reason);
    } else {
      throw Refusal.conflict("Run over", "run " + id + " has ended (" + run.state() + "): only a queued or going "
          + "run can be stopped");
    }
    advance();
    return get(id);
  }

  /**
   * Starts the next queued run when the current one has ended (called on every tick of the round deadlines, and after
   * a submission or a stop).
   */
  public synchronized void advance() {
    if (waiting.isEmpty() || !served.run().settled(clock.instant())) {
      return;
    }
    openNext();
  }

  /** Serves the first waiting run that opens; false when none does. */
  private boolean openNext() {
    while (!waiting.isEmpty()) {
      int id = waiting.peek();
      Optional<RunHistory.Entry> entry = history.runs().stream().filter(e -> e.id() == id).findFirst();
      try {
        open(id, RunDefinition.fromJson(entry.orElseThrow().settings()));
        waiting.remove();
        return true;
      } catch (RuntimeException e) {
        waiting.remove();
        String why = "could not start: " + e.getMessage();
        log.error("run {} {}", id, why);
        history.stop(id, why, clock.instant());
      }
    }
    return false;
  }

  private void open(int id, RunDefinition definition) {
    RunCoordinator run = opener.open(id, definition);
    Served next = new Served(id, run);
    for (Consumer<Served> follower : followers) {
      follower.accept(next);
    }
    served = next;
    log.info("serving run {}", id);
  }

  /** Every kept run, oldest first. */
  public List<RunSummary> list() {
    int current = served.id();
    return history.runs().stream().map(e -> RunSummary.of(e, e.id() == current)).toList();
  }

  /** The federation's sites: every client that registered with a kept run. */
  public List<RunHistory.Site> sites() {
    return history.sites();
  }

  /** Run {@code id}, refused as unknown when no such run is kept. */
  public RunSummary get(int id) {
    return summary(id, served.id());
  }

  private RunSummary summary(int id, int current) {
    return history.runs().stream().filter(e -> e.id() == id).findFirst().map(e -> RunSummary.of(e, id == current))
        .orElseThrow(() -> Refusal.unknown("No such run", "run " + id + " is not kept here; GET /api/v1/runs lists "
            + "the runs"));
  }

  /**
   * Run {@code id} to read, as one look: its summary, and its coordinator when it is the current run, else the run
   * read back from its store ({@code past}; null for a run that never began: queued, or stopped before it began).
   */
  public record Read(RunSummary run, RunCoordinator current, PastRun past) {
    /** Whether the run never began (it has no rounds, no model and no workbook). */
    public boolean neverBegan() {
      return current == null && past == null;
    }
  }

  /**
   * Run {@code id} as one look ({@link Read}). Refused as unknown when no such run is kept, and as a conflict when
   * this release cannot read its definition.
   */
  public Read read(int id) {
    Served now = served;
    RunSummary run = summary(id, now.id());
    if (id == now.id()) {
      return new Read(run, now.run(), null);
    }
    if (run.state().equals(RunState.QUEUED.name())) {
      return new Read(run, null, null);
    }
    if (run.definition() == null) {
      throw Refusal.conflict("Run unreadable", "run " + id + " cannot be shown: " + run.message());
    }
    return new Read(run, null, PastRun.open(history.store(id), run.definition(), run.finishedAt()).orElse(null));
  }

  /** The stored events of run {@code id} (for a run that never began: why it was stopped). */
  public List<RunEvent> storedEvents(int id) {
    return history.store(id).events();
  }
}
