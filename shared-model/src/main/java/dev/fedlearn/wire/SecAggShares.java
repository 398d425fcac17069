package dev.fedlearn.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fedlearn.secagg.EncryptedShare;
import java.util.List;

/** A client's encrypted shares for the other clients of the session (step 2 of secure aggregation). */
public record SecAggShares(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) List<EncryptedShare> shares) {}
