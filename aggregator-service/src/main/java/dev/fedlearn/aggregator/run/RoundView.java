package dev.fedlearn.aggregator.run;

import java.time.Instant;
import java.util.List;

/**
 * One round as the API shows it: its state, who sent an update ({@code participants}) of the clients the strategy
 * picked ({@code selected}), the new global model's score on the held-out test set (null while the round is open),
 * the clients' test accuracy averaged weighted by their test samples, every client's training figures and its score
 * of this round's global model.
 */
public record RoundView(int round, Status state, List<String> participants, Double globalTestAccuracy,
    Double globalTestLoss, Double meanClientTestAccuracy, List<Training> training, List<Evaluation> evaluations,
    Instant startedAt, Instant endedAt, Double durationSeconds, List<String> selected) {

  public enum Status { OPEN, COMPLETED }

  /** A client's local training in this round. */
  public record Training(String clientId, long numSamples, double trainLoss, double trainAccuracy,
      Instant receivedAt) {}

  /** A client's score of this round's global model on its local test split. */
  public record Evaluation(String clientId, long numSamples, double loss, double accuracy, Instant receivedAt) {}
}
