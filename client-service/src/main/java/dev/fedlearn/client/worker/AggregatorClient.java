package dev.fedlearn.client.worker;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import java.util.List;

/**
 * The aggregator's REST API ({@code /api/v1}) as the worker uses it; the transport
 * ({@code aggregator.RestAggregatorClient}) implements it over HTTP, tests with a fake. Every call throws
 * {@link AggregatorUnavailableException} when the aggregator cannot be reached or answers 5xx (worth retrying), and
 * {@link AggregatorRejectedException} when it answers 4xx (retrying the same call will not help).
 */
public interface AggregatorClient {

  /** {@code POST /clients}; registering the same id again is harmless. */
  RunStatus register(ClientRegistration registration);

  /**
   * {@code GET /model?after=..&wait=..}: the current global model, once its round is past {@code afterRound} and
   * the run has started, or after {@code waitSeconds} anyway.
   */
  GlobalModel fetchModel(int afterRound, int waitSeconds);

  /** {@code POST /rounds/{round}/updates}. */
  void submitUpdate(int round, ClientUpdate update);

  /** {@code POST /rounds/{round}/evaluations}: the score of global model {@code round} on the local test split. */
  void submitEvaluation(int round, EvaluationReport report);

  /**
   * {@code POST /rounds/{round}/personalized}: the scores of this client's personalization of the run's final global
   * model, {@code round}.
   */
  default void submitPersonalized(int round, dev.fedlearn.protocol.PersonalizedReport report) {
    throw new UnsupportedOperationException("personalization reports");
  }

  /** {@code POST /cross-site/models}: this client's last local model, for the completed run's cross-site evaluation. */
  default void uploadLocalModel(ClientUpdate model) {
    throw new UnsupportedOperationException("cross-site evaluation");
  }

  /** {@code GET /cross-site/models}: the models the cross-site evaluation scores, the global model first. */
  default dev.fedlearn.protocol.CrossSiteModels crossSiteModels() {
    throw new UnsupportedOperationException("cross-site evaluation");
  }

  /** {@code POST /cross-site/scores}: this client's row, one accuracy per model. */
  default void submitCrossSiteScores(dev.fedlearn.protocol.CrossSiteScores scores) {
    throw new UnsupportedOperationException("cross-site evaluation");
  }

  /** {@code GET /status}. */
  RunStatus status();

  /** Where the aggregator is, for logs and status. */
  String baseUrl();

  // Secure aggregation ({@code /rounds/{round}/secagg}): the waits return null while the step has not closed.

  /** {@code GET /rounds/{round}/secagg}: the open round's session. */
  default SecAggPlan secAggPlan(int round) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** Step 1: this client's public keys. */
  default void secAggKeys(int round, String session, KeyAdvertisement keys) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** Everybody's public keys (U1), or null while step 1 is open. */
  default List<KeyAdvertisement> secAggKeysOf(int round, String session, int waitSeconds) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** Step 2: this client's encrypted shares. */
  default void secAggShares(int round, String session, SecAggShares shares) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** The shares addressed to this client, or null while step 2 is open. */
  default List<EncryptedShare> secAggSharesFor(int round, String session, String clientId, int waitSeconds) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** Step 3: this client's masked update. */
  default void secAggMasked(int round, String session, MaskedUpdate update) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** The survivors (U3), or null while step 3 is open. */
  default List<String> secAggSurvivors(int round, String session, int waitSeconds) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** Step 4: this client's unmasking shares. */
  default void secAggUnmask(int round, String session, UnmaskingShares answer) {
    throw new UnsupportedOperationException("secure aggregation");
  }

  /** While step 3 waits: this client's report that another client sent it a share it cannot use. */
  default void secAggComplaint(int round, String session, SecAggComplaint complaint) {
    throw new UnsupportedOperationException("secure aggregation");
  }
}
