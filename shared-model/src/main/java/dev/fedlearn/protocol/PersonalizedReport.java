package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A client's personalization of the run's final global model ({@code POST /rounds/{round}/personalized}, the round
 * being the run's last): fine-tuned {@code epochs} epochs on its own training split, then scored on its
 * {@code numSamples} local test samples; {@code globalAccuracy} is the global model's score on the same samples. The
 * personalized model stays on the client.
 */
public record PersonalizedReport(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) int epochs, @JsonProperty(required = true) long numSamples,
    @JsonProperty(required = true) double globalAccuracy, @JsonProperty(required = true) double loss,
    @JsonProperty(required = true) double accuracy) {}
