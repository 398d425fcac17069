package dev.fedlearn.wire;

/** A client's score of a round's global model on its own local test split. */
public record EvaluationReport(String clientId, long numSamples, double loss, double accuracy) {}
