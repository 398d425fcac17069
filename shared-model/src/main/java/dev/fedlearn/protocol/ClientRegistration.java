package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fedlearn.engine.data.Standardization;

/**
 * A client announces itself: its id and the sizes of its local train and test splits (never the data); in a run on
 * a table, also its rows' count, column sums and sums of squares ({@code sums}, in the run's column order), from
 * which the run standardizes its inputs; null for images.
 */
public record ClientRegistration(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) int trainSamples, @JsonProperty(required = true) int testSamples,
    Standardization.Sums sums) {

  /** A registration for a run on images. */
  public ClientRegistration(String clientId, int trainSamples, int testSamples) {
    this(clientId, trainSamples, testSamples, null);
  }
}
