package dev.fedlearn.aggregator.run;

import java.time.Duration;

/**
 * Told of what happens in the run, as it happens (after the store has it), under the coordinator's lock: an
 * observer must be quick and must not call back into the coordinator's changing methods.
 */
public interface RunObserver {
  /** A new client registered. */
  default void registered(String clientId) {}

  /** A client's update for {@code round} was accepted. */
  default void updateAccepted(String clientId, int round) {}

  /** A client's score of round {@code round}'s global model was accepted. */
  default void evaluationReceived(String clientId, int round) {}

  /** Round {@code round} was aggregated; it took {@code duration} from its opening. */
  default void roundClosed(int round, double globalTestAccuracy, double globalTestLoss, Duration duration) {}
}
