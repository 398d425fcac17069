package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A client announces itself: its id and the sizes of its local train and test splits (never the data). */
public record ClientRegistration(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) int trainSamples, @JsonProperty(required = true) int testSamples) {}
