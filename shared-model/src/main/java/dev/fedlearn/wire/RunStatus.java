package dev.fedlearn.wire;

/**
 * The aggregator's answer to "where are we": {@code round} is the number of rounds completed (the round in training
 * is {@code round + 1}); {@code latest} describes the newest global model (round 0: the initial model);
 * {@code authentication} is {@code tokens} when clients must present their token, {@code open} when anyone may act
 * as any client (local experiments).
 */
public record RunStatus(RunState state, int round, int rounds, int registeredClients, int expectedClients,
    int updatesReceived, int updatesExpected, Latest latest, String message, String authentication) {

  public RunStatus withAuthentication(String mode) {
    return new RunStatus(state, round, rounds, registeredClients, expectedClients, updatesReceived, updatesExpected,
        latest, message, mode);
  }

  /** The newest global model's score on the held-out test set. */
  public record Latest(int round, double globalTestAccuracy, double globalTestLoss) {}
}
