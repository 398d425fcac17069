package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Objects;

/**
 * A client's score of a round's global model on its own local test split, with its confusion counts
 * ({@code confusion[t * classes + p]}: test samples of true class {@code t} predicted {@code p}; counts, never which
 * sample was which), or null from a client that does not send them. Equal when every component is.
 */
public record EvaluationReport(@JsonProperty(required = true) String clientId,
    @JsonProperty(required = true) long numSamples, @JsonProperty(required = true) double loss,
    @JsonProperty(required = true) double accuracy, long[] confusion) {

  /** A score without confusion counts. */
  public EvaluationReport(String clientId, long numSamples, double loss, double accuracy) {
    this(clientId, numSamples, loss, accuracy, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluationReport e && clientId.equals(e.clientId) && numSamples == e.numSamples
        && Double.compare(loss, e.loss) == 0 && Double.compare(accuracy, e.accuracy) == 0
        && Arrays.equals(confusion, e.confusion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(clientId, numSamples, loss, accuracy, Arrays.hashCode(confusion));
  }

  @Override
  public String toString() {
    return "EvaluationReport[clientId=" + clientId + ", numSamples=" + numSamples + ", loss=" + loss + ", accuracy="
        + accuracy + ", confusion=" + Arrays.toString(confusion) + "]";
  }
}
