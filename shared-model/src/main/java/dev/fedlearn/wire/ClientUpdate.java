package dev.fedlearn.wire;

import dev.fedlearn.nn.Model;
import java.util.Arrays;
import java.util.Objects;

/**
 * A client's trained model for a round: its weights with their shape, and what its local training saw. Equal when
 * every component is, the arrays compared element by element; {@link #toString} gives the shape and the number of
 * weights, not the weights.
 */
public record ClientUpdate(String clientId, long numSamples, int[] layerSizes, float[] weights, double trainLoss,
    double trainAccuracy) {

  public Model toModel() {
    return Wire.model(layerSizes, weights);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientUpdate u && Objects.equals(clientId, u.clientId) && numSamples == u.numSamples
        && Arrays.equals(layerSizes, u.layerSizes) && Arrays.equals(weights, u.weights)
        && Double.compare(trainLoss, u.trainLoss) == 0 && Double.compare(trainAccuracy, u.trainAccuracy) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, numSamples, Arrays.hashCode(layerSizes), Arrays.hashCode(weights), trainLoss,
        trainAccuracy);
  }

  @Override
  public String toString() {
    return "ClientUpdate[clientId=" + clientId + ", numSamples=" + numSamples + ", layerSizes="
        + Arrays.toString(layerSizes) + ", weights=" + Wire.length(weights) + ", trainLoss=" + trainLoss
        + ", trainAccuracy=" + trainAccuracy + "]";
  }
}
