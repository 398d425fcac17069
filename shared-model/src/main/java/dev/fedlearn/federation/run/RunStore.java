package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.ClientUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the run is kept so that it survives a restart. Each method is one state change of the run and one
 * transaction: after a crash at any instant the store holds the state before or after it, never half of it. The
 * coordinator calls it before it changes its own memory, so a failed write changes nothing.
 */
public interface RunStore {
  /**
   * Everything stored about the run, oldest first; {@code columnSums}: a table's column sums over its clients as
   * secure aggregation summed them, or null.
   */
  record Stored(String settings, String state, String message, List<StoredClient> clients, List<StoredRound> rounds,
      List<StoredUpdate> updates, List<StoredEvaluation> evaluations, Standardization.Sums columnSums,
      boolean columnSumsRevealed, List<StoredPersonalized> personalized, StoredCrossSite crossSite) {

    /** A run without a cross-site evaluation. */
    public Stored(String settings, String state, String message, List<StoredClient> clients, List<StoredRound> rounds,
        List<StoredUpdate> updates, List<StoredEvaluation> evaluations, Standardization.Sums columnSums,
        boolean columnSumsRevealed, List<StoredPersonalized> personalized) {
      this(settings, state, message, clients, rounds, updates, evaluations, columnSums, columnSumsRevealed,
          personalized, null);
    }
  }

  /**
   * A completed run's cross-site evaluation ({@link CrossSiteEvaluation}): when it was asked for, when its scoring
   * began and when it was done (null before), the local models collected (their weights null once it is done) and the
   * clients' rows.
   */
  record StoredCrossSite(Instant requestedAt, Instant scoringAt, Instant doneAt, List<StoredLocalModel> models,
      List<StoredCrossSiteRow> rows) {}

  /** A client's last local model, uploaded for the cross-site evaluation (weights null once it is done). */
  record StoredLocalModel(String clientId, float[] weights, Instant receivedAt) {}

  /** A client's row of the cross-site evaluation: one accuracy per model, the global model first. */
  record StoredCrossSiteRow(String clientId, long numSamples, List<Double> accuracy, Instant receivedAt) {}

  /** A client's personalization report ({@link Personalizations}) and when it arrived. */
  record StoredPersonalized(dev.fedlearn.protocol.PersonalizedReport report, Instant receivedAt) {}

  /** A registered client; {@code sums}: its table's column sums, null for images. */
  record StoredClient(String clientId, int trainSamples, int testSamples, Instant registeredAt,
      Standardization.Sums sums) {

    public StoredClient(String clientId, int trainSamples, int testSamples, Instant registeredAt) {
      this(clientId, trainSamples, testSamples, registeredAt, null);
    }
  }

  /**
   * Round 0 is the initial model. {@code model} is the global model after the round (null while open), and
   * {@code strategyState} the strategy's own state after it (server momentum, moments; empty for stateless
   * strategies, null while open).
   */
  record StoredRound(int round, Instant startedAt, Instant endedAt, Double accuracy, Double loss, float[] model,
      Map<String, float[]> strategyState) {

    /** A round without strategy state. */
    public StoredRound(int round, Instant startedAt, Instant endedAt, Double accuracy, Double loss, float[] model) {
      this(round, startedAt, endedAt, accuracy, loss, model, null);
    }

    /** Round {@code number}, opened at {@code now}. */
    static StoredRound opening(int number, Instant now) {
      return new StoredRound(number, now, null, null, null, null);
    }
  }

  /** An accepted update: its figures, each local epoch's ({@code epochs}, empty if not sent) and its weights. */
  record StoredUpdate(int round, String clientId, long numSamples, double trainLoss, double trainAccuracy,
      Instant receivedAt, float[] weights, List<ClientUpdate.Epoch> epochs) {

    public StoredUpdate {
      epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }
  }

  /** A client's score of a round's model; {@code confusion}: its confusion counts, or null. */
  record StoredEvaluation(int round, String clientId, long numSamples, double loss, double accuracy,
      Instant receivedAt, long[] confusion) {

    public StoredEvaluation(int round, String clientId, long numSamples, double loss, double accuracy,
        Instant receivedAt) {
      this(round, clientId, numSamples, loss, accuracy, receivedAt, null);
    }
  }

  /** Everything stored, with every round's global model. */
  default Optional<Stored> load() {
    return load(round -> true);
  }

  /**
   * Everything stored, with the global models of the rounds {@code models} accepts and of the last closed round (the
   * others' {@code model} is null), and the strategy state of the last closed round only: what a restart needs,
   * whatever the number of rounds.
   */
  Optional<Stored> load(java.util.function.IntPredicate models);

  /**
   * A new run begins: its definition (kept as JSON, {@link RunDefinition#toJson}) and its initial model as round 0.
   * A queued run ({@link RunHistory#queue}) begins in its queued row.
   */
  void begin(RunDefinition definition, String state, StoredRound initial, Instant now);

  /** A client registered; when {@code opened} is not null the run starts training with that round. */
  void clientRegistered(StoredClient client, String state, StoredRound opened);

  void updateAccepted(StoredUpdate update);

  /** A column-sum session asks its survivors for their unmasking shares: it must never start again. */
  void columnsRevealed();

  /**
   * Secure aggregation summed a table's column sums over its clients (the sum only: no client's own); round
   * {@code round}, whose weights are summed next, starts again at {@code now}.
   */
  void columnsSummed(Standardization.Sums total, int round, Instant now);

  /**
   * A round was aggregated: its model and scores, its updates' weights dropped, the run's new state and the next
   * round (null when the run is over).
   */
  void roundClosed(StoredRound closed, String state, StoredRound opened);

  void evaluationReceived(StoredEvaluation evaluation);

  /** A client reported its personalization of the completed run's final model. */
  void personalizedReceived(StoredPersonalized personalized);

  /** The completed run's cross-site evaluation was asked for. */
  void crossSiteRequested(Instant at);

  /** A client's last local model for the cross-site evaluation. */
  void localModelReceived(StoredLocalModel model);

  /** The cross-site evaluation collected its models (those received so far): the clients score them from now. */
  void crossSiteScoring(Instant at);

  /** A client's row of the cross-site evaluation. */
  void crossSiteRowReceived(StoredCrossSiteRow row);

  /** The cross-site evaluation is done: the local models' weights are dropped, which were in is kept. */
  void crossSiteDone(Instant at);

  /** The run ended before its last round: FAILED, or STOPPED on request, with {@code message} saying why. */
  void failed(String state, String message);

  /** Something happened (its own transaction, apart from the state change it tells of). */
  void eventRecorded(RunEvent event);

  /** Every recorded event, oldest first (without figures). */
  List<RunEvent> events();

  /** The last {@code limit} recorded events, oldest first (without figures). */
  List<RunEvent> recentEvents(int limit);

  /** A store that keeps nothing (for tests and for runs that need not survive a restart). */
  RunStore NONE = new RunStore() {
    @Override
    public Optional<Stored> load(java.util.function.IntPredicate models) {
      return Optional.empty();
    }

    @Override
    public void begin(RunDefinition definition, String state, StoredRound initial, Instant now) {}

    @Override
    public void clientRegistered(StoredClient client, String state, StoredRound opened) {}

    @Override
    public void updateAccepted(StoredUpdate update) {}

    @Override
    public void columnsRevealed() {}

    @Override
    public void columnsSummed(Standardization.Sums total, int round, Instant now) {}

    @Override
    public void personalizedReceived(StoredPersonalized personalized) {}

    @Override
    public void roundClosed(StoredRound closed, String state, StoredRound opened) {}

    @Override
    public void evaluationReceived(StoredEvaluation evaluation) {}

    @Override
    public void failed(String state, String message) {}

    @Override
    public void crossSiteRequested(Instant at) {}

    @Override
    public void localModelReceived(StoredLocalModel model) {}

    @Override
    public void crossSiteScoring(Instant at) {}

    @Override
    public void crossSiteRowReceived(StoredCrossSiteRow row) {}

    @Override
    public void crossSiteDone(Instant at) {}

    @Override
    public void eventRecorded(RunEvent event) {}

    @Override
    public List<RunEvent> events() {
      return List.of();
    }

    @Override
    public List<RunEvent> recentEvents(int limit) {
      return List.of();
    }
  };
}
