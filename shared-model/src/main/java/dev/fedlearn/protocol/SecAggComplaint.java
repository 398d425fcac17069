package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A client's report that another client of its secure aggregation session sent it a share it cannot use (one that
 * does not decrypt or names another round, sender or recipient): {@code clientId} reports {@code against}, with the
 * reason it found. The aggregator cannot read shares, so it cannot tell which of the two lies: both sit the rest of
 * the round out, and the round goes on in a new session with the others.
 */
public record SecAggComplaint(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) String against, String reason) implements SecAggMessage {}
