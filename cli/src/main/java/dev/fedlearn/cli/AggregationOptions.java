package dev.fedlearn.cli;

import dev.fedlearn.Defaults;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.Strategies;
import dev.fedlearn.federation.strategy.Strategy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * How a run's server aggregates, shared by {@code simulate} and {@code runs submit}: the rounds, the strategy and its
 * parameters, the clients picked each round, differential privacy and secure aggregation. {@link #check} refuses what
 * cannot be; the checked choices then make the run's {@link RunDefinition}.
 */
final class AggregationOptions {
  @Option(names = "--rounds", paramLabel = "N", defaultValue = Defaults.ROUNDS,
      description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--strategy", paramLabel = "ID", defaultValue = Defaults.STRATEGY,
      completionCandidates = StrategiesCommand.Ids.class,
      description = "How the server combines the updates: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); "
          + "fl strategies lists what each does and its parameters.")
  String strategyId;

  @Option(names = "--strategy-param", paramLabel = "NAME=VALUE[,NAME=VALUE...]",
      description = "A parameter of the strategy, e.g. mu=0.1 or eta=0.05,beta1=0.5; repeatable. Unnamed ones "
          + "take their defaults.")
  List<String> strategyParams = new ArrayList<>();

  @Option(names = "--fraction", paramLabel = "F", defaultValue = Defaults.CLIENT_FRACTION,
      description = "Share of the clients picked to train each round, in (0, 1]: max(--min-clients, "
          + "floor(F * clients)), drawn from the seed and the round; 1.0 is every client (default: ${DEFAULT-VALUE}).")
  double fraction;

  @Option(names = "--min-clients", paramLabel = "N", defaultValue = Defaults.MIN_FIT_CLIENTS,
      description = "Least number of clients picked each round (default: ${DEFAULT-VALUE}).")
  int minClients;

  @Option(names = "--dp-clip", paramLabel = "C",
      description = "Differential privacy (DP-FedAvg): clip each client's change of the model to L2 norm C; the "
          + "server adds Gaussian noise of standard deviation --dp-noise x C to the sum (with --secure-aggregation the "
          + "clients add it in shares) (default: no DP).")
  Double dpClip;

  @Option(names = "--dp-noise", paramLabel = "SIGMA", defaultValue = Defaults.DP_NOISE,
      description = "The noise multiplier of differential privacy: noise of SIGMA x C (default: ${DEFAULT-VALUE}); "
          + "needs --dp-clip.")
  double dpNoise;

  @Option(names = "--secure-aggregation",
      description = "Aggregate each round by secure aggregation (Bonawitz et al. 2017): the server's side learns only "
          + "the weighted sum; fl simulate runs it in process and prints the protocol's time and bytes per round.")
  boolean secureAggregation;

  @Option(names = "--secagg-bound", paramLabel = "B", defaultValue = Defaults.SECAGG_BOUND,
      description = "With --secure-aggregation: clients clip every weight to [-B, B] before the fixed-point encoding "
          + "(default: ${DEFAULT-VALUE}); with DP it must leave room for their noise, at least C + 8 x SIGMA x C / "
          + "sqrt(clients a round).")
  float secAggBound;

  @Option(names = "--dp-delta", paramLabel = "DELTA", defaultValue = Defaults.DP_DELTA,
      description = "The delta at which epsilon is reported (default: ${DEFAULT-VALUE}); needs --dp-clip. Epsilon "
          + "is the most-exposed client's: the rounds it was picked for, each the Gaussian mechanism, with no "
          + "amplification by sampling (the picks follow from the public seed); with --secure-aggregation at the "
          + "noise of the threshold of clients alone.")
  double dpDelta;

  /**
   * The checked choices: the strategy (plain), differential privacy (null: none), secure aggregation's bound (null:
   * none) and the sampling of the clients.
   */
  record Checked(Strategy strategy, DifferentialPrivacy.Settings privacy, Float secureAggregationBound,
      ClientSampler sampler) {
    /**
     * Refuses, among {@code clients}, secure aggregation whose bound could clip the clients' DP noise (every round
     * picks the same number of clients).
     */
    void requireRoomForTheNoise(int clients) {
      if (secureAggregationBound != null && privacy != null) {
        privacy.requireUnclipped(secureAggregationBound, sampler.count(clients));
      }
    }

    /** The definition of a run of these choices. */
    RunDefinition definition(int rounds, int clients, RunDefinition.Data data, LayerSizes layers,
        TrainingConfig training) {
      return RunDefinition.of(rounds, clients, data, layers, training, strategy, sampler, privacy,
          secureAggregationBound);
    }
  }

  /**
   * The options checked, in this order: the strategy and its parameters, differential privacy, secure aggregation,
   * the sampling. A refusal is an {@link IllegalArgumentException}, a usage error.
   */
  Checked check(ParseResult given) {
    Strategy strategy = Strategies.create(strategyId, String.join(",", strategyParams));
    if (dpClip == null && (given.hasMatchedOption("--dp-noise") || given.hasMatchedOption("--dp-delta"))) {
      throw new IllegalArgumentException("--dp-noise and --dp-delta need --dp-clip C, the clip norm");
    }
    DifferentialPrivacy.Settings dp;
    try {
      dp = dpClip == null ? null : new DifferentialPrivacy.Settings(dpClip, dpNoise, dpDelta);
      if (dp != null && !secureAggregation) {
        DifferentialPrivacy.check(strategy.name());
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dp-clip: " + e.getMessage(), e);
    }
    if (!secureAggregation && given.hasMatchedOption("--secagg-bound")) {
      throw new IllegalArgumentException("--secagg-bound needs --secure-aggregation");
    }
    if (secureAggregation) {
      try {
        SecureAggregation.check(strategy.name(), secAggBound, dp);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--secure-aggregation: " + e.getMessage(), e);
      }
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("--min-clients must be at least 1, got " + minClients);
    }
    ClientSampler sampler;
    try {
      sampler = new ClientSampler(fraction, minClients);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fraction must be in (0, 1], got " + fraction, e);
    }
    return new Checked(strategy, dp, secureAggregation ? secAggBound : null, sampler);
  }
}
