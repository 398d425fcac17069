package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A client's score of a round's global model on its own local test split. */
public record EvaluationReport(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) long numSamples, @JsonProperty(required = true) double loss,
    @JsonProperty(required = true) double accuracy) {}
