package dev.fedlearn.cli;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.federation.simulation.Simulation;
import dev.fedlearn.federation.strategy.AggregationException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One run of {@code simulate}'s simulation, recorded round by round: it prints each round's line, keeps the rounds,
 * counts each client's rounds for the privacy accountant (with differential privacy), keeps secure aggregation's cost
 * of each round (with it) and the global models the workbook's Weights sheet shows (when asked to), and stops at the
 * target accuracy (when one is set).
 */
final class SimulationRun {
  private final int rounds;
  private final Double targetAccuracy;
  private final boolean everyone;
  private final boolean scored;
  private final boolean byClients; // the server holds no test set: the clients' scores are the run's
  private final boolean keepModels;
  private final ParticipationAccountant accountant;
  private final PrintWriter out;
  private final List<Simulation.Round> history = new ArrayList<>();
  private final List<Simulation.SecAggCost> secureCosts = new ArrayList<>();
  private final TreeMap<Integer, float[]> shownModels = new TreeMap<>();
  private double seconds = Double.NaN;
  private double secondsToTarget = Double.NaN;
  private double simulatedSecondsToTarget = Double.NaN;
  private boolean simulatedClock; // the round lines show the simulated time

  /**
   * @param secure whether the updates go through secure aggregation (each round then reports its cost)
   * @param privacy differential privacy, or null
   * @param picked how many clients each round picks, of {@code clients}
   * @param scored whether the clients have local test data to score the models on
   * @param byClients whether the clients' scores are the run's (the server holds no test set)
   * @param keepModels whether to keep the models the workbook shows
   */
  SimulationRun(int rounds, Double targetAccuracy, boolean secure, DifferentialPrivacy.Settings privacy, int picked,
      int clients, boolean scored, boolean byClients, boolean keepModels, PrintWriter out) {
    this.rounds = rounds;
    this.targetAccuracy = targetAccuracy;
    // Each client's rounds, without amplification (the picks are public): the most-exposed client's epsilon.
    this.accountant = privacy == null ? null : !secure ? privacy.accountant()
        : privacy.accountantUnderSecureAggregation(picked);
    this.everyone = picked == clients;
    this.scored = scored;
    this.byClients = byClients;
    this.keepModels = keepModels;
    this.out = out;
  }

  /**
   * Runs {@code simulation} from {@code initial} on {@code sites}, scored on {@code test}; returns the last global
   * model. Refuses, with an {@link IllegalStateException}, a round that could not be aggregated and a run that
   * diverged.
   */
  Model run(Simulation simulation, Model initial, List<Simulation.Site> sites, Features test) {
    if (keepModels) {
      shownModels.put(0, initial.params());
    }
    long start = System.nanoTime();
    Model last;
    try {
      last = simulation.run(initial, sites, test, (r, model) -> {
        history.add(r);
        if (accountant != null) {
          accountant.record(r.picked());
        }
        if (r.secure() != null) {
          secureCosts.add(r.secure());
        }
        if (keepModels && ModelRetention.keeps(r.round(), rounds)) {
          shownModels.put(r.round(), model.params());
        }
        out.println(ProgressLines.round(r, rounds, everyone, scored, byClients, accountant, simulatedClock));
      }, r -> {
        boolean reached = targetAccuracy != null && r.globalTestAccuracy() >= targetAccuracy;
        if (reached) {
          secondsToTarget = (System.nanoTime() - start) / 1e9;
          simulatedSecondsToTarget = r.simulatedSeconds();
        }
        return reached;
      });
    } catch (AggregationException e) {
      throw new IllegalStateException("the run failed: " + e.getMessage(), e);
    }
    seconds = (System.nanoTime() - start) / 1e9;
    if (!last.isFinite()) {
      throw new IllegalStateException("training diverged (non-finite weights): lower --learning-rate");
    }
    if (keepModels) {
      shownModels.put(history.size(), last.params());
    }
    return last;
  }

  /** The rounds run, in order. */
  List<Simulation.Round> history() {
    return history;
  }

  /** The last round run. */
  Simulation.Round last() {
    return history.get(history.size() - 1);
  }

  /** The whole run's time, in seconds. */
  double seconds() {
    return seconds;
  }

  /** Shows each round's simulated time on its line (the clients' speeds were given, or the run is asynchronous). */
  SimulationRun showingSimulatedTime(boolean shown) {
    simulatedClock = shown;
    return this;
  }

  /** The simulated time at the round (or version) that reached the target accuracy, in seconds; NaN when none did. */
  double simulatedSecondsToTarget() {
    return simulatedSecondsToTarget;
  }

  /** The time until the round that reached the target accuracy, in seconds; NaN when none did. */
  double secondsToTarget() {
    return secondsToTarget;
  }

  /** The privacy accountant; null without differential privacy. */
  ParticipationAccountant accountant() {
    return accountant;
  }

  /** Secure aggregation's cost in each round; empty without it. */
  List<Simulation.SecAggCost> secureCosts() {
    return secureCosts;
  }

  /** The global models the workbook shows, by round (0: the initial model); empty unless asked to keep them. */
  SortedMap<Integer, float[]> shownModels() {
    return shownModels;
  }
}
