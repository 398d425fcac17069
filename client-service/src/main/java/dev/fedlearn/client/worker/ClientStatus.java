package dev.fedlearn.client.worker;

/**
 * The client as {@code GET /api/v1/status} shows it. Rounds are 0 until the first one; figures are null until
 * there is one. Accuracies are fractions (0.9322 = 93.22%).
 *
 * @param clientId this site's id
 * @param state what the worker is doing
 * @param aggregatorUrl where the aggregator is
 * @param trainSamples size of the local train split
 * @param testSamples size of the local test split
 * @param rounds rounds of the run, 0 until the aggregator said
 * @param lastTrainedRound the last round this client trained and sent (0 = none)
 * @param lastEvaluatedRound the last global model round this client scored (0 = none)
 * @param lastTrainLoss mean loss of the last local epoch of the last trained round
 * @param lastTrainAccuracy accuracy of the last local epoch of the last trained round
 * @param lastTestAccuracy accuracy of the last scored global model on the local test split
 * @param lastTestLoss loss of the last scored global model on the local test split
 * @param lastError the last problem met (unreachable aggregator, rejected request, ...), or with the state
 *     {@link ClientState#REFUSED} why the client refused the run's plan; null if none
 * @param kernel the training kernel in use, {@code vector} or {@code scalar}
 * @param personalized this client's fine-tuned model's scores once the run completed, with
 *     {@code FL_PERSONALIZE_EPOCHS}; null before and without
 */
public record ClientStatus(String clientId, ClientState state, String aggregatorUrl, int trainSamples,
    int testSamples, int rounds, int lastTrainedRound, int lastEvaluatedRound, Double lastTrainLoss,
    Double lastTrainAccuracy, Double lastTestAccuracy, Double lastTestLoss, String lastError, String kernel,
    Personalized personalized) {

  /**
   * The final global model fine-tuned {@code epochs} epochs on this client's training split: both models' scores on
   * its test split, and where the personalized model was saved (null: not saved).
   */
  public record Personalized(int round, int epochs, double globalAccuracy, double accuracy, double loss,
      String savedTo) {}

  public static ClientStatus starting(String clientId, String aggregatorUrl, int trainSamples, int testSamples,
      String kernel) {
    return new ClientStatus(clientId, ClientState.STARTING, aggregatorUrl, trainSamples, testSamples, 0, 0, 0, null,
        null, null, null, null, kernel, null);
  }

  public ClientStatus withState(ClientState s) {
    return new ClientStatus(clientId, s, aggregatorUrl, trainSamples, testSamples, rounds, lastTrainedRound,
        lastEvaluatedRound, lastTrainLoss, lastTrainAccuracy, lastTestAccuracy, lastTestLoss, lastError, kernel, personalized);
  }

  public ClientStatus withRounds(int r) {
    return new ClientStatus(clientId, state, aggregatorUrl, trainSamples, testSamples, r, lastTrainedRound,
        lastEvaluatedRound, lastTrainLoss, lastTrainAccuracy, lastTestAccuracy, lastTestLoss, lastError, kernel, personalized);
  }

  public ClientStatus withTrained(int round, double loss, double accuracy) {
    return new ClientStatus(clientId, state, aggregatorUrl, trainSamples, testSamples, rounds, round,
        lastEvaluatedRound, loss, accuracy, lastTestAccuracy, lastTestLoss, lastError, kernel, personalized);
  }

  public ClientStatus withEvaluated(int round, double loss, double accuracy) {
    return new ClientStatus(clientId, state, aggregatorUrl, trainSamples, testSamples, rounds, lastTrainedRound,
        round, lastTrainLoss, lastTrainAccuracy, accuracy, loss, lastError, kernel, personalized);
  }

  public ClientStatus withError(String error) {
    return new ClientStatus(clientId, state, aggregatorUrl, trainSamples, testSamples, rounds, lastTrainedRound,
        lastEvaluatedRound, lastTrainLoss, lastTrainAccuracy, lastTestAccuracy, lastTestLoss, error, kernel, personalized);
  }

  public ClientStatus withPersonalized(Personalized p) {
    return new ClientStatus(clientId, state, aggregatorUrl, trainSamples, testSamples, rounds, lastTrainedRound,
        lastEvaluatedRound, lastTrainLoss, lastTrainAccuracy, lastTestAccuracy, lastTestLoss, lastError, kernel, p);
  }
}
