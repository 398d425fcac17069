package dev.fedlearn.protocol;

import java.util.List;
import java.util.Map;

/**
 * The aggregator's answer to "where are we": {@code round} is the number of rounds completed (the round in training
 * is {@code round + 1}); {@code latest} describes the newest global model (round 0: the initial model);
 * {@code strategy} says how clients are picked and their updates combined; {@code picked} names the clients the open
 * round waits for (empty when no round is open); {@code authentication} is {@code tokens} when clients must present
 * their token, {@code certificates} when every client must present a certificate from the aggregator's CA (mutual TLS),
 * {@code tokens or certificates} when either will do, {@code open} when anyone may act as any client (local
 * experiments); {@code privacy} is the
 * differential privacy in force and spent so far (null without it); {@code run} is the run's id (an aggregator serves run
 * after run; null from one that does not say).
 */
public record RunStatus(RunState state, int round, int rounds, int registeredClients, int expectedClients,
    int updatesReceived, int updatesExpected, Latest latest, String message, StrategyInfo strategy,
    List<String> picked, String authentication, Privacy privacy, Integer run) {

  public RunStatus {
    picked = picked == null ? List.of() : List.copyOf(picked);
  }

  /** A status without differential privacy. */
  public RunStatus(RunState state, int round, int rounds, int registeredClients, int expectedClients,
      int updatesReceived, int updatesExpected, Latest latest, String message, StrategyInfo strategy,
      List<String> picked, String authentication) {
    this(state, round, rounds, registeredClients, expectedClients, updatesReceived, updatesExpected, latest, message,
        strategy, picked, authentication, null, null);
  }

  /** A status of no named run. */
  public RunStatus(RunState state, int round, int rounds, int registeredClients, int expectedClients,
      int updatesReceived, int updatesExpected, Latest latest, String message, StrategyInfo strategy,
      List<String> picked, String authentication, Privacy privacy) {
    this(state, round, rounds, registeredClients, expectedClients, updatesReceived, updatesExpected, latest, message,
        strategy, picked, authentication, privacy, null);
  }

  public RunStatus withAuthentication(String mode) {
    return new RunStatus(state, round, rounds, registeredClients, expectedClients, updatesReceived, updatesExpected,
        latest, message, strategy, picked, mode, privacy, run);
  }

  /** The same status, said to be of run {@code id}. */
  public RunStatus withRun(int id) {
    return new RunStatus(state, round, rounds, registeredClients, expectedClients, updatesReceived, updatesExpected,
        latest, message, strategy, picked, authentication, privacy, id);
  }

  /**
   * Differential privacy (DP-FedAvg): the clip norm, the noise multiplier, the delta, the share of the clients each
   * round samples, and the epsilon spent after the rounds completed (null when infinite: no noise).
   */
  public record Privacy(double clip, double noise, double delta, double sampling, Double epsilon) {}

  /**
   * The newest global model's score: on the server's held-out test set ({@code scoredBy} {@value #SERVER}), or, when
   * the server holds none, the clients' sample-weighted score on their test splits ({@value #CLIENTS}); null while
   * nobody has scored it; {@code confusion}: its clients' confusion counts summed, with per-class precision, recall
   * and F1 (null before any client sent them).
   */
  public record Latest(int round, Double globalTestAccuracy, Double globalTestLoss, String scoredBy,
      Confusion confusion) {
    public static final String SERVER = "server";
    public static final String CLIENTS = "clients";
  }

  /**
   * The strategy ({@code FL_STRATEGY}) with every parameter in force ({@code FL_STRATEGY_PARAMS}, defaults filled
   * in) and the client sampling: the share of clients picked each round and the least number picked (0: no minimum).
   */
  public record StrategyInfo(String name, Map<String, String> parameters, double fractionFit, int minFitClients) {
    public StrategyInfo {
      parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new java.util.LinkedHashMap<>(parameters));
    }
  }
}
