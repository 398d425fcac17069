package dev.fedlearn.engine.nn;

/** A model's score on a data set of {@code count} samples: mean cross-entropy and accuracy. */
public record Evaluation(int count, double loss, double accuracy) {}
