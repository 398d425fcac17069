package dev.fedlearn.federation.simulation;

import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * An asynchronous run ({@link dev.fedlearn.federation.RunDefinition.Asynchrony}) on a virtual clock: every site
 * starts training the initial model at time 0 and takes its simulated time ({@link Simulation#withClientSpeeds}) to
 * finish; the training that finishes first (the lower site index on a tie) sends its change to the coordinator, as a
 * client of the services does. A site whose change was taken waits for the next version; one whose version closed
 * with it, or whose change was dropped as too stale, starts again at once on the newest version, and so do the sites
 * that were waiting when a version closes. Trainings that start at the same time run in parallel, and the order of
 * events depends only on the simulated times, so a seed reproduces a run bit for bit.
 */
final class AsyncRun {
  private final Simulation simulation;
  private final RunCoordinator coordinator;
  private final List<Simulation.Site> sites;
  private final Set<String> attackers;
  private final int threads;
  private final PriorityQueue<Training> running = new PriorityQueue<>(
      Comparator.comparingDouble(Training::finishesAt).thenComparingInt(Training::site));
  private int dropped; // changes dropped as too stale

  /** A site's training: on version {@code base}, finishing at {@code finishesAt}, with the change it sends. */
  private record Training(int site, int base, double finishesAt, ClientUpdate update, LocalTraining.Result result,
      List<Trainer.EpochStats> curve) {}

  AsyncRun(Simulation simulation, RunCoordinator coordinator, List<Simulation.Site> sites, Set<String> attackers,
      int threads) {
    this.simulation = simulation;
    this.coordinator = coordinator;
    this.sites = sites;
    this.attackers = attackers;
    this.threads = threads;
  }

  /** Runs the versions, telling {@code listener} of each; stops after the first for which {@code stop} is true. */
  Model run(Model initial, BiConsumer<Simulation.Round, Model> listener, Predicate<Simulation.Round> stop) {
    Model global = initial;
    Map<Integer, LocalTraining.Result> contributed = new HashMap<>(); // the open version's changes, by site index
    Map<Integer, List<Trainer.EpochStats>> curves = new HashMap<>();
    Map<String, Integer> staleness = new TreeMap<>();
    List<Integer> waiting = new ArrayList<>();
    long start = System.nanoTime();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      all.add(i);
    }
    start(all, 0);
    while (!running.isEmpty()) {
      Training t = running.poll();
      int before = coordinator.status().round();
      boolean taken = submit(t);
      RunStatus status = coordinator.status();
      if (status.state() == RunState.FAILED) {
        throw new AggregationException(status.message());
      }
      if (taken) {
        contributed.put(t.site(), t.result());
        curves.put(t.site(), t.curve());
        staleness.put(sites.get(t.site()).id(), before - t.base());
      }
      List<Integer> next = new ArrayList<>();
      if (status.round() > before) { // the change made a version: every site scores it
        ClosedRounds.Closed closed = ClosedRounds.scored(coordinator, status.round(), sites, plan(), contributed,
            curves, attackers, start, null, t.finishesAt(), staleness, threads);
        global = closed.model();
        listener.accept(closed.round(), global);
        if (stop.test(closed.round()) || coordinator.status().state() != RunState.TRAINING) {
          return global;
        }
        contributed.clear();
        curves.clear();
        staleness.clear();
        start = System.nanoTime();
        next.addAll(waiting);
        waiting.clear();
        next.add(t.site());
      } else if (taken) {
        waiting.add(t.site());
      } else {
        next.add(t.site());
      }
      start(next, t.finishesAt());
    }
    throw new IllegalStateException("the asynchronous run stopped at version " + coordinator.status().round()
        + " with no site training (" + dropped + " changes dropped as too stale)");
  }

  /** Whether the coordinator took the change; false when it dropped it as too stale. */
  private boolean submit(Training t) {
    try {
      coordinator.submitUpdate(t.base() + 1, t.update());
      return true;
    } catch (Refusal e) {
      if (ProblemTypes.TOO_STALE.equals(e.type())) {
        dropped++;
        return false;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private dev.fedlearn.protocol.TrainingPlan plan() {
    return coordinator.awaitModel(-1, Duration.ZERO, null).join().plan();
  }

  /** Starts the sites {@code which} on the newest version at simulated time {@code now}, in parallel. */
  private void start(List<Integer> which, double now) {
    if (which.isEmpty()) {
      return;
    }
    GlobalModel model = coordinator.awaitModel(-1, Duration.ZERO, null).join();
    Model current = model.toModel();
    var config = model.plan().toConfig();
    int round = model.round() + 1;
    List<List<Trainer.EpochStats>> curves = new ArrayList<>();
    which.forEach(i -> curves.add(new ArrayList<>(config.epochs())));
    List<LocalTraining.Result> trained = Parallel.map(which.size(), threads, k -> LocalTraining.run(current,
        sites.get(which.get(k)).train(), config, sites.get(which.get(k)).id(), round, model.plan().mu(),
        curves.get(k)::add));
    for (int k = 0; k < which.size(); k++) {
      int i = which.get(k);
      String id = sites.get(i).id();
      ClientUpdate update = simulation.update(id, trained.get(k), curves.get(k), model, attackers.contains(id), round);
      running.add(new Training(i, model.round(), now + simulation.trainingSeconds(sites, i, config.epochs()), update,
          trained.get(k), curves.get(k)));
    }
  }
}
