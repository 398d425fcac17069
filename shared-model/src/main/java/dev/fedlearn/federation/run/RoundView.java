package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.Confusion;
import java.time.Instant;
import java.util.List;

/**
 * One round as the API shows it: its state, who sent an update ({@code participants}) of the clients the strategy
 * picked ({@code selected}), the new global model's score on the held-out test set (null while the round is open),
 * the clients' test accuracy averaged weighted by their test samples, every client's training figures and its score
 * of this round's global model; {@code deadline} is when an open round is aggregated with the updates it has (if they
 * make the quorum), null once it is closed; {@code confusion} sums the clients' confusion counts of this round's
 * global model (null when none sent them).
 */
public record RoundView(int round, Status state, List<String> participants, Double globalTestAccuracy,
    Double globalTestLoss, Double meanClientTestAccuracy, List<ClientTraining> training, List<Evaluation> evaluations,
    Instant startedAt, Instant endedAt, Double durationSeconds, List<String> selected, Instant deadline,
    Confusion confusion) {

  /** {@code STOPPED}: a round of a stopped run that never closed. */
  public enum Status { OPEN, COMPLETED, STOPPED }

  /** This round as its stopped run left it: an open round becomes STOPPED, with no deadline. */
  RoundView stopped() {
    return state != Status.OPEN ? this : new RoundView(round, Status.STOPPED, participants, globalTestAccuracy,
        globalTestLoss, meanClientTestAccuracy, training, evaluations, startedAt, endedAt, durationSeconds, selected,
        null, confusion);
  }

  /**
   * A client's local training in this round: the figures of its last epoch and of every epoch ({@code epochs},
   * empty when the client did not send them).
   */
  public record ClientTraining(String clientId, long numSamples, double trainLoss, double trainAccuracy,
      Instant receivedAt, List<ClientUpdate.Epoch> epochs) {}

  /** A client's score of this round's global model on its local test split. */
  public record Evaluation(String clientId, long numSamples, double loss, double accuracy, Instant receivedAt) {}
}
