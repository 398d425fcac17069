package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A client's row of a completed run's cross-site evaluation ({@code POST /cross-site/scores}, once per client): the
 * accuracy of each model of {@link CrossSiteModels}, in its order, on the client's {@code numSamples} local test
 * samples; {@code run} the run it belongs to, when the aggregator names its runs (null otherwise).
 */
public record CrossSiteScores(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) long numSamples, @JsonProperty(required = true) List<Double> accuracy,
    Integer run) {

  public CrossSiteScores {
    accuracy = accuracy == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(accuracy));
  }
}
