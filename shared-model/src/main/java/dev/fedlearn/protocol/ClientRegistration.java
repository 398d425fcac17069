package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fedlearn.engine.data.Standardization;

/**
 * A client announces itself: its id and the sizes of its local train and test splits (never the data); in a run on
 * a table, also its rows' count, column sums and sums of squares ({@code sums}, in the run's column order), from
 * which the run standardizes its inputs; null for images. With secure aggregation a table's sums are masked later
 * (before round 1) and {@code columns}, the count of the table's feature columns, stands in for them; null otherwise.
 */
public record ClientRegistration(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) int trainSamples, @JsonProperty(required = true) int testSamples,
    Standardization.Sums sums, Integer columns) {

  /** A registration for a run on images. */
  public ClientRegistration(String clientId, int trainSamples, int testSamples) {
    this(clientId, trainSamples, testSamples, null, null);
  }

  /** A registration for a run on a table, with its sums in the clear. */
  public ClientRegistration(String clientId, int trainSamples, int testSamples, Standardization.Sums sums) {
    this(clientId, trainSamples, testSamples, sums, null);
  }
}
