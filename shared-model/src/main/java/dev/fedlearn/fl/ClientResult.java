package dev.fedlearn.fl;

import java.util.Objects;

/** One client's contribution to a round: its locally trained parameters and how many samples trained them. */
public record ClientResult(String clientId, float[] weights, long numSamples) {
  public ClientResult {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(weights, "weights");
  }
}
