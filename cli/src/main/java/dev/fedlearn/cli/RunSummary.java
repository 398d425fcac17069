package dev.fedlearn.cli;

import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.federation.simulation.Simulation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fields of {@code simulate}'s JSON line: the run's settings, then what it reached and how fast. */
final class RunSummary {
  private RunSummary() {}

  /**
   * The JSON line's fields, in order.
   *
   * @param run the run's definition
   * @param partition how the shards were made: {@code files:DIR} or the partition drawn
   * @param trainFraction each client's local train share
   * @param targetAccuracy the accuracy the run was to stop at, or null
   */
  static Map<String, Object> json(RunDefinition run, List<Simulation.Site> sites, String partition,
      double trainFraction, Double targetAccuracy, int byzantine, Attack attack, SimulationRun result) {
    TrainingConfig config = run.trainingConfig();
    List<Simulation.Round> history = result.history();
    boolean reached = !Double.isNaN(result.secondsToTarget());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", run.data().dataset());
    json.put("clients", sites.size());
    json.put("trainSamples", sites.stream().map(site -> site.train().size()).toList());
    json.put("partition", partition);
    json.put("trainFraction", trainFraction);
    json.put("rounds", run.rounds());
    json.put("roundsRun", history.size());
    json.put("targetAccuracy", targetAccuracy);
    json.put("roundsToTarget", reached ? history.size() : null);
    json.put("secondsToTarget", reached ? Json.round(result.secondsToTarget(), 3) : null);
    json.put("simulatedSecondsToTarget", reached ? Json.round(result.simulatedSecondsToTarget(), 3) : null);
    json.put("simulatedSeconds", history.isEmpty() ? null
        : Json.round(history.get(history.size() - 1).simulatedSeconds(), 3));
    json.put("mode", run.asynchrony() == null ? "sync" : "async");
    json.put("layers", run.layerSizes().toString());
    json.put("epochs", config.epochs());
    json.put("batchSize", config.batchSize());
    json.put("learningRates", config.learningRates(run.layerSizes().depth()));
    json.put("momentum", config.momentum());
    json.put("l2", config.effectiveL2());
    json.put("preset", config.preset().id());
    json.put("seed", config.seed());
    json.put("strategy", run.strategy().name());
    json.put("strategyParameters", run.shownParameters());
    json.put("fraction", run.sampling().fraction());
    json.put("minClients", run.sampling().minClients());
    json.put("clientsPerRound", history.stream().map(Simulation.Round::picked).toList());
    privacy(json, run.privacy(), result.accountant());
    json.put("secureAggregation", run.secureAggregation() != null);
    if (!result.secureCosts().isEmpty()) {
      json.put("secAgg", secureCost(run.secureAggregation().bound(), result.secureCosts()));
    }
    json.put("byzantine", byzantine);
    json.put("attack", attack.toString());
    scores(json, result, config.epochs(), trainFraction < 1.0, run.data().testSamples() == 0);
    return json;
  }

  /** Differential privacy's settings and the most-exposed client's epsilon; nulls without it (or without noise). */
  private static void privacy(Map<String, Object> json, DifferentialPrivacy.Settings dp,
      ParticipationAccountant accountant) {
    json.put("dpClip", dp == null ? null : dp.clip());
    json.put("dpNoise", dp == null ? null : dp.noise());
    json.put("dpDelta", dp == null ? null : dp.delta());
    json.put("dpAccountedNoise", accountant == null ? null : accountant.noiseMultiplier());
    double epsilon = accountant == null ? Double.NaN : accountant.epsilon();
    json.put("epsilon", Double.isFinite(epsilon) ? Json.round(epsilon, 6) : null);
    json.put("maxParticipations", accountant == null ? null : accountant.maxParticipations());
    json.put("mostExposedClient", accountant == null ? null : accountant.mostExposedClient());
  }

  /** The secure aggregation protocol's mean cost per round: time, and bytes per client. */
  private static Map<String, Object> secureCost(float bound, List<Simulation.SecAggCost> costs) {
    Map<String, Object> cost = new LinkedHashMap<>();
    cost.put("bound", bound);
    cost.put("millisPerRound", Json.round(1e3 * costs.stream().mapToDouble(Simulation.SecAggCost::seconds)
        .average().orElseThrow(), 1));
    cost.put("bytesUpPerClient", Math.round(costs.stream().mapToDouble(c -> (double) c.bytesUp() / c.parties())
        .average().orElseThrow()));
    cost.put("bytesDownPerClient", Math.round(costs.stream().mapToDouble(c -> (double) c.bytesDown() / c.parties())
        .average().orElseThrow()));
    return cost;
  }

  /** The run's time and speed, and the last round's scores ({@code scored}: the clients' too). */
  private static void scores(Map<String, Object> json, SimulationRun result, int epochs, boolean scored,
      boolean byClients) {
    long trained = 0;
    for (Simulation.Round r : result.history()) {
      trained += (long) r.sites().stream().mapToInt(Simulation.SiteRound::trainSamples).sum() * epochs;
    }
    Simulation.Round fin = result.last();
    json.put("seconds", Json.round(result.seconds(), 3));
    json.put("samplesPerSecond", Math.round(trained / result.seconds()));
    json.put("scoredBy", byClients ? "clients" : "server"); // clients: the server holds no test set
    boolean unscored = Double.isNaN(fin.globalTestAccuracy()); // a private run's clients send no scores
    json.put("globalTestAccuracy", unscored ? null : Json.round(fin.globalTestAccuracy(), 6));
    json.put("globalTestLoss", unscored ? null : Json.round(fin.globalTestLoss(), 6));
    json.put("meanClientTestAccuracy", scored ? Json.round(fin.sites().stream()
        .mapToDouble(Simulation.SiteRound::testAccuracy).average().orElse(0), 6) : null);
    json.put("weightedClientTestAccuracy", scored ? Json.round(fin.clientTestAccuracy(), 6) : null);
    json.put("weightedClientTestLoss", scored ? Json.round(fin.clientTestLoss(), 6) : null);
    if (fin.confusion() != null) { // the clients' confusion counts of the final model, summed
      json.put("classes", fin.confusion().classes());
      json.put("confusion", fin.confusion().counts());
      json.put("macroF1", Json.round(fin.confusion().macroF1(), 6));
    }
  }
}
