package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A client's personalization of the run's final global model ({@code POST /rounds/{round}/personalized}, the round
 * being the run's last): fine-tuned {@code epochs} epochs on its own training split, then scored on its
 * {@code numSamples} local test samples; {@code globalAccuracy} is the global model's score on the same samples;
 * {@code run} the run it belongs to, when the aggregator names its runs (null otherwise). The personalized model
 * stays on the client.
 */
public record PersonalizedReport(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) int epochs, @JsonProperty(required = true) long numSamples,
    @JsonProperty(required = true) double globalAccuracy, @JsonProperty(required = true) double loss,
    @JsonProperty(required = true) double accuracy, Integer run) {

  /** The most fine-tuning epochs a report may claim, and a client may be set to. */
  public static final int MAX_EPOCHS = 10_000;

  /** A report that names no run. */
  public PersonalizedReport(String clientId, int epochs, long numSamples, double globalAccuracy, double loss,
      double accuracy) {
    this(clientId, epochs, numSamples, globalAccuracy, loss, accuracy, null);
  }
}
