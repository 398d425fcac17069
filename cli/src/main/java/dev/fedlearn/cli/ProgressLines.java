package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.federation.simulation.Simulation;
import java.util.Collection;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The lines {@code simulate} prints before the JSON line: what it runs, its strategy, then one line per round. */
final class ProgressLines {
  /** Up to this many clients, a round's line names each; beyond, it gives the spread of their scores. */
  static final int NAMED_CLIENTS = 8;

  private ProgressLines() {}

  /** The first line: the clients and their data ({@code source}: where the shards came from), the training. */
  static String run(List<Simulation.Site> sites, String source, int rounds, TrainingConfig config, LayerSizes layers,
      int threads) {
    return String.format(Locale.ROOT, "simulating %d clients (%s; %s), %d round%s of %d epoch%s, batch %d, layers "
        + "%s, preset %s, kernel %s, %d threads", sites.size(), trainSizes(sites), source, rounds,
        rounds == 1 ? "" : "s", config.epochs(), config.epochs() == 1 ? "" : "s",
        config.batchSize(), layers, config.preset(), Kernels.create().name(), threads);
  }

  /**
   * The second line: the strategy with its parameters (and secure aggregation's and privacy's), the clients a round,
   * the attackers.
   */
  static String strategy(RunDefinition run, int perRound, int clients, Attack attack, Collection<String> attackers) {
    Map<String, String> parameters = run.shownParameters();
    return String.format(Locale.ROOT, "strategy %s%s, %d of %d clients a round%s", run.strategy().name(),
        parameters.isEmpty() ? "" : " " + describe(parameters), perRound, clients,
        attack.kind() == Attack.Kind.NONE ? ""
            : ", " + String.join("/", attackers.stream().sorted().toList()) + " attacking (" + attack + ")");
  }

  /**
   * A round's line: the global model's scores, the clients' ({@code everyone}: every client trains each round;
   * {@code scored}: the clients have local test data), the epsilon spent (with an accountant) and the cost of secure
   * aggregation (with it), and the round's time; {@code byClients}: the server holds no test set, the clients'
   * weighted scores are the run's.
   */
  static String round(Simulation.Round r, int rounds, boolean everyone, boolean scored, boolean byClients,
      ParticipationAccountant accountant, boolean simulated) {
    String score = Double.isNaN(r.globalTestAccuracy()) // no server test set, and a private run's clients send none
        ? "clients' test scores stay on the sites (private run)"
        : String.format(Locale.ROOT, "%s test accuracy %.2f%%  loss %.4f", byClients ? "clients'" : "global",
            100 * r.globalTestAccuracy(), r.globalTestLoss());
    boolean async = !r.staleness().isEmpty();
    return String.format(Locale.ROOT, "%s %d/%d  %s%s%s%s%s  (%.1f s%s)", async ? "version" : "round", r.round(),
        rounds, score, clientFigures(r, everyone && !async, scored),
        accountant == null ? "" : String.format(Locale.ROOT, "  epsilon %.3g (%s, %d of %d rounds)",
            accountant.epsilon(), accountant.mostExposedClient(), accountant.maxParticipations(), r.round()),
        secureCost(r.secure()), async ? "  changes " + r.staleness().entrySet().stream()
            .map(e -> e.getKey() + " (staleness " + e.getValue() + ")").collect(Collectors.joining(", ")) : "",
        r.seconds(), simulated ? String.format(Locale.ROOT, "; simulated %.1f s", r.simulatedSeconds()) : "");
  }

  /**
   * The clients' part of a round's line: each client's score of the new model (marked * when it trained, ! when it
   * attacked) for a few clients; for more, the minimum, median and maximum score and how many trained.
   */
  private static String clientFigures(Simulation.Round r, boolean everyone, boolean scored) {
    long trained = r.sites().stream().filter(Simulation.SiteRound::picked).count();
    long attacked = r.sites().stream().filter(Simulation.SiteRound::attacked).count();
    if (!scored) {
      return String.format(Locale.ROOT, "  |  %d of %d clients trained%s", trained, r.sites().size(),
          attacked == 0 ? "" : ", " + attacked + " attacking");
    }
    if (r.sites().size() <= NAMED_CLIENTS) {
      return "  |  " + r.sites().stream().map(s -> String.format(Locale.ROOT, "%s %.2f%%%s", s.clientId(),
          100 * s.testAccuracy(), s.attacked() ? "!" : everyone || !s.picked() ? "" : "*"))
          .collect(Collectors.joining("  ")) + (everyone ? "" : "  (* trained)");
    }
    double[] acc = r.sites().stream().mapToDouble(Simulation.SiteRound::testAccuracy).sorted().toArray();
    int n = acc.length;
    double median = n % 2 == 1 ? acc[n / 2] : (acc[n / 2 - 1] + acc[n / 2]) / 2;
    return String.format(Locale.ROOT, "  |  clients' test accuracy min %.2f%% median %.2f%% max %.2f%%, %d of %d "
        + "trained%s", 100 * acc[0], 100 * median, 100 * acc[n - 1], trained, n,
        attacked == 0 ? "" : ", " + attacked + " attacking");
  }

  /** The clients' train sizes: each for a few clients, else the total and the range. */
  private static String trainSizes(List<Simulation.Site> sites) {
    if (sites.size() <= NAMED_CLIENTS) {
      return sites.stream().map(s -> Integer.toString(s.train().size())).collect(Collectors.joining("/"))
          + " train samples";
    }
    IntSummaryStatistics st = sites.stream().mapToInt(s -> s.train().size()).summaryStatistics();
    return st.getSum() + " train samples, " + (st.getMin() == st.getMax() ? st.getMin() : st.getMin() + " to "
        + st.getMax()) + " each";
  }

  /** {@code name=value,...} for a progress line. */
  private static String describe(Map<String, String> parameters) {
    return parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** The secure aggregation protocol's cost in the round just aggregated, or nothing without it. */
  private static String secureCost(Simulation.SecAggCost c) {
    if (c == null) {
      return "";
    }
    return String.format(Locale.ROOT, "  secagg %d clients (t=%d) %.0f ms, %.1f kB up / %.1f kB down", c.parties(),
        c.threshold(), 1e3 * c.seconds(), c.bytesUp() / 1e3, c.bytesDown() / 1e3);
  }
}
