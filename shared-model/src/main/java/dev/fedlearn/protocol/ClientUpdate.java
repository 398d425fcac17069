package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fedlearn.engine.nn.Model;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A client's trained model for a round: its weights with their shape, and what its local training saw: the figures
 * of its last epoch ({@code trainLoss}, {@code trainAccuracy}) and of every epoch ({@code epochs}, oldest first;
 * optional, empty when the client does not send them; every other field is required). Equal when every component is, the arrays compared element by element;
 * {@link #toString} gives the shape and the number of weights, not the weights.
 */
public record ClientUpdate(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) long numSamples, @JsonProperty(required = true) int[] layerSizes,
    @JsonProperty(required = true) float[] weights, @JsonProperty(required = true) double trainLoss,
    @JsonProperty(required = true) double trainAccuracy, List<Epoch> epochs) {

  /** One local epoch: its number (from 1), its mean training loss and its training accuracy. */
  public record Epoch(@JsonProperty(required = true) int epoch, @JsonProperty(required = true) double loss,
      @JsonProperty(required = true) double accuracy) {}

  public ClientUpdate {
    epochs = epochs == null ? List.of() : List.copyOf(epochs);
  }

  /** An update without the per-epoch figures. */
  public ClientUpdate(String clientId, long numSamples, int[] layerSizes, float[] weights, double trainLoss,
      double trainAccuracy) {
    this(clientId, numSamples, layerSizes, weights, trainLoss, trainAccuracy, List.of());
  }

  /** The same update without its weights (kept once they are in the global model). */
  public ClientUpdate withoutWeights() {
    return new ClientUpdate(clientId, numSamples, layerSizes, null, trainLoss, trainAccuracy, epochs);
  }

  public Model toModel() {
    return Wire.model(layerSizes, weights);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientUpdate u && Objects.equals(clientId, u.clientId) && numSamples == u.numSamples
        && Arrays.equals(layerSizes, u.layerSizes) && Arrays.equals(weights, u.weights)
        && Double.compare(trainLoss, u.trainLoss) == 0 && Double.compare(trainAccuracy, u.trainAccuracy) == 0
        && epochs.equals(u.epochs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, numSamples, Arrays.hashCode(layerSizes), Arrays.hashCode(weights), trainLoss,
        trainAccuracy, epochs);
  }

  @Override
  public String toString() {
    return "ClientUpdate[clientId=" + clientId + ", numSamples=" + numSamples + ", layerSizes="
        + Arrays.toString(layerSizes) + ", weights=" + Wire.length(weights) + ", trainLoss=" + trainLoss
        + ", trainAccuracy=" + trainAccuracy + ", epochs=" + epochs.size() + "]";
  }
}
