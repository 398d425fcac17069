package dev.fedlearn.wire;

/** A client announces itself: its id and the sizes of its local train and test splits (never the data). */
public record ClientRegistration(String clientId, int trainSamples, int testSamples) {}
