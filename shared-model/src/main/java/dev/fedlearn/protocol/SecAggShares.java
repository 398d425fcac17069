package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A client's encrypted shares for the other clients of the session (step 2 of secure aggregation). */
public record SecAggShares(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) List<EncryptedShare> shares) implements SecAggMessage {}
