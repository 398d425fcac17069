package dev.fedlearn.federation.strategy;

import java.util.Arrays;
import java.util.Objects;

/**
 * One client's contribution to a round: its locally trained parameters and how many samples trained them. Equal
 * when the client, the sample count and every weight are; {@link #toString} gives the number of weights, not the
 * weights.
 */
public record ClientResult(String clientId, float[] weights, long numSamples) {
  public ClientResult {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(weights, "weights");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientResult r && clientId.equals(r.clientId) && Arrays.equals(weights, r.weights)
        && numSamples == r.numSamples;
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, Arrays.hashCode(weights), numSamples);
  }

  @Override
  public String toString() {
    return "ClientResult[clientId=" + clientId + ", weights=float[" + weights.length + "], numSamples=" + numSamples
        + "]";
  }
}
