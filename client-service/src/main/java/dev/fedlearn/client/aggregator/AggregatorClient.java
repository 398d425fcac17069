package dev.fedlearn.client.aggregator;

import dev.fedlearn.wire.ClientRegistration;
import dev.fedlearn.wire.ClientUpdate;
import dev.fedlearn.wire.EvaluationReport;
import dev.fedlearn.wire.GlobalModel;
import dev.fedlearn.wire.RunStatus;

/**
 * The aggregator's REST API ({@code /api/v1}) as the client uses it. Every call throws
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

  /** {@code GET /status}. */
  RunStatus status();

  /** Where the aggregator is, for logs and status. */
  String baseUrl();
}
