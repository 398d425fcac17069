package dev.fedlearn.wire;

import dev.fedlearn.nn.Model;

/** A client's trained model for a round: its weights with their shape, and what its local training saw. */
public record ClientUpdate(String clientId, long numSamples, int[] layerSizes, float[] weights, double trainLoss,
    double trainAccuracy) {

  public Model toModel() {
    return Wire.model(layerSizes, weights);
  }
}
