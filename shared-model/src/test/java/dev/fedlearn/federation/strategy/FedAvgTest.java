package dev.fedlearn.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgTest {
  /** FedAvg sums in double and rounds once to float: it is exact to float rounding. */
  static final float FLOAT_ROUNDING = 1e-6f;

  private static ClientResult r(String id, long n, float... w) {
    return new ClientResult(id, w, n);
  }

  @Test
  void weightsByTheNumberOfSamples() {
    float[] avg = FedAvg.average(1, List.of(r("a", 3, 1f), r("b", 2, 2f), r("c", 1, 3f)));
    assertThat(avg[0]).isCloseTo(10f / 6, offset(FLOAT_ROUNDING));
    float[] two = FedAvg.average(3, List.of(r("a", 1, 0f, 10f, -4f), r("b", 3, 4f, 2f, 4f)));
    assertThat(two).containsExactly(3f, 4f, 2f);
  }

  @Test
  void theSeedsSetupWeighsTheFourClientsByTheirShards() {
    // 700/2100/1400/2800 training samples: weights 0.1, 0.3, 0.2, 0.4.
    float[] avg = FedAvg.average(1, List.of(r("client-1", 700, 10f), r("client-2", 2100, 20f),
        r("client-3", 1400, 30f), r("client-4", 2800, 40f)));
    assertThat(avg[0]).isCloseTo(1f + 6f + 6f + 16f, offset(FLOAT_ROUNDING));
  }

  @Test
  void aClientWithZeroSamplesCountsForNothing() {
    assertThat(FedAvg.average(1, List.of(r("a", 0, 100f), r("b", 5, 2f)))).containsExactly(2f);
  }

  @Test
  void arrivalOrderDoesNotChangeTheResult() {
    List<ClientResult> one = List.of(r("a", 7, 0.1f, 0.7f), r("b", 3, 0.3f, 0.2f), r("c", 11, 0.9f, 0.4f));
    List<ClientResult> other = List.of(one.get(2), one.get(0), one.get(1));
    assertThat(FedAvg.average(2, other)).containsExactly(FedAvg.average(2, one));
  }

  @Test
  void aggregateLeavesItsInputsAlone() {
    Model global = new Model(LayerSizes.of(1, 2), new float[] {1, 1, 1, 1});
    float[] w = {2, 2, 2, 2};
    Model next = new FedAvg().aggregate(1, global, List.of(r("a", 1, w)), List.of(), java.util.Map.of()).model();
    assertThat(next.params()).containsExactly(2f, 2f, 2f, 2f);
    assertThat(global.params()).containsExactly(1f, 1f, 1f, 1f);
    assertThat(next.params()).isNotSameAs(w);
    assertThat(next.sizes()).isEqualTo(global.sizes());
  }

  @Test
  void refusesWhatWouldCorruptTheModel() {
    assertThatThrownBy(() -> FedAvg.average(1, List.of())).isInstanceOf(AggregationException.class)
        .hasMessageContaining("no client results");
    assertThatThrownBy(() -> FedAvg.average(1, List.of(r("a", 0, 1f), r("b", 0, 2f))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("zero samples");
    assertThatThrownBy(() -> FedAvg.average(2, List.of(r("a", 1, 1f, 2f), r("b", 1, 1f))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("client b sent 1 weights, the model has 2");
    assertThatThrownBy(() -> FedAvg.average(2, List.of(r("a", 1, 1f, Float.NaN))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("client a sent a non-finite weight (NaN)");
    assertThatThrownBy(() -> FedAvg.average(1, List.of(r("a", 1, Float.POSITIVE_INFINITY))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("Infinity");
    assertThatThrownBy(() -> FedAvg.average(1, List.of(r("a", 1, Float.NEGATIVE_INFINITY))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("non-finite");
    assertThatThrownBy(() -> FedAvg.average(1, List.of(r("a", -1, 1f), r("b", 2, 1f))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("-1 samples");
    assertThatThrownBy(() -> FedAvg.average(1, List.of(r("a", 1, 1f), r("a", 2, 1f))))
        .isInstanceOf(AggregationException.class).hasMessageContaining("more than one result");
  }

  @Test
  void hugeButFiniteWeightsDoNotOverflow() {
    float big = Float.MAX_VALUE;
    assertThat(FedAvg.average(1, List.of(r("a", 1, big), r("b", 1, big)))).containsExactly(big);
  }
}
