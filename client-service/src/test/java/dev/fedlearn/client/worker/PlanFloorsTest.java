package dev.fedlearn.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.TrainingPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's floors against plans: each refusal names the setting and the plan's value. */
class PlanFloorsTest {
  private static final TrainingPlan PLAIN = new TrainingPlan(1, 4, null, 0.9f, null, 1L, "default");
  private static final TrainingPlan PRIVATE_PLAIN = new TrainingPlan(1, 4, null, 0.9f, null, 1L, "default", null,
      null, true);
  private static final TrainingPlan SECURE = new TrainingPlan(1, 4, null, 0.9f, null, 1L, "default", null, true);
  private static final List<String> FOUR = List.of("a", "b", "c", "d");

  /** A session of four clients; with {@code clip} set, DP-FedAvg of noise multiplier {@code sigma} over all four. */
  private static SecAggPlan session(int threshold, float bound, Double clip, double sigma) {
    Double std = clip == null ? null : sigma * clip / Math.sqrt(FOUR.size());
    return new SecAggPlan(3, "s7", threshold, 1024, bound, FOUR, clip, std);
  }

  @Test
  void withoutFloorsEveryPlanIsTaken() {
    PlanFloors none = PlanFloors.NONE;
    assertThat(none.any()).isFalse();
    assertThat(new PlanFloors(false, 0, 0.25)).hasToString(
        "FL_REQUIRE_SECURE_AGGREGATION=false, FL_MIN_SECAGG_THRESHOLD=0, FL_MIN_DP_NOISE=0.25");
    assertThat(none.refusal(PLAIN)).isNull();
    assertThat(none.refusal(PRIVATE_PLAIN)).isNull();
    assertThat(none.refusal(SECURE)).isNull();
    assertThat(none.refusal(session(1, 10f, null, 0))).isNull();
    assertThat(none.refusal(session(2, 10f, 1.0, 1.0))).isNull();
  }

  @Test
  void requiringSecureAggregationRefusesAPlainPlanOnly() {
    PlanFloors floors = new PlanFloors(true, 0, 0);
    assertThat(floors.refusal(PLAIN)).contains("FL_REQUIRE_SECURE_AGGREGATION=true")
        .contains("secureAggregation=false");
    assertThat(floors.refusal(PRIVATE_PLAIN)).contains("FL_REQUIRE_SECURE_AGGREGATION=true");
    assertThat(floors.refusal(SECURE)).isNull();
    assertThat(floors.refusal(session(1, 10f, null, 0))).isNull();
  }

  @Test
  void theThresholdFloorRefusesALowerThreshold() {
    PlanFloors floors = new PlanFloors(false, 3, 0);
    assertThat(floors.refusal(session(2, 10f, null, 0))).isEqualTo(
        "round 3's secure aggregation session s7 has threshold 2, below FL_MIN_SECAGG_THRESHOLD=3");
    assertThat(floors.refusal(session(3, 10f, null, 0))).isNull();
    assertThat(floors.refusal(SECURE)).as("the plan says no threshold: checked session by session").isNull();
  }

  @Test
  void theWorstCaseMultiplierCountsTheThresholdsClientsOnly() {
    // sigma 1 over 4 clients: each adds 0.5 x clip; 2 of them add 0.5 x sqrt(2) = 0.7071 x clip
    SecAggPlan plan = session(2, 10f, 1.5, 1.0);
    assertThat(PlanFloors.worstCaseNoiseMultiplier(plan)).isCloseTo(Math.sqrt(2) / 2, within(1e-12));
    assertThat(new PlanFloors(false, 0, 0.7).refusal(plan)).isNull();
    assertThat(new PlanFloors(false, 0, 0.8).refusal(plan)).as("sigma 1 of all four clients is not enough")
        .contains("worst-case noise multiplier of 0.7071").contains("threshold 2").contains("FL_MIN_DP_NOISE=0.8");
    assertThat(new PlanFloors(false, 0, 1.0).refusal(session(4, 10f, 1.5, 1.0))).as("all four count").isNull();
  }

  @Test
  void aDpFloorRefusesNoDpAndNoSecureAggregation() {
    PlanFloors floors = new PlanFloors(false, 0, 0.5);
    assertThat(floors.refusal(PLAIN)).contains("FL_MIN_DP_NOISE=0.5").contains("privateRun=false");
    assertThat(floors.refusal(PRIVATE_PLAIN)).as("the aggregator's own noise").contains("FL_MIN_DP_NOISE=0.5")
        .contains("cannot verify");
    assertThat(floors.refusal(SECURE)).isNull();
    assertThat(floors.refusal(session(4, 10f, null, 0))).contains("no differential privacy")
        .contains("FL_MIN_DP_NOISE=0.5");
  }

  @Test
  void aBoundThatWouldTruncateTheNoiseIsRefusedAlways() {
    // std = 1 x 1 / sqrt(4) = 0.5; room needed: 1 + 8 x 0.5 = 5
    assertThat(PlanFloors.NOISE_HEADROOM_SIGMAS).isEqualTo(8);
    assertThat(PlanFloors.NONE.refusal(session(2, 4.99f, 1.0, 1.0))).contains("clip bound 4.99")
        .contains("dpClip 1 + 8 x dpNoiseStd 0.5 = 5").contains("truncate");
    assertThat(PlanFloors.NONE.refusal(session(2, 5f, 1.0, 1.0))).isNull();
    assertThat(PlanFloors.NONE.refusal(new SecAggPlan(3, "s7", 2, 1024, 100f, FOUR, 1.0, null)))
        .as("a noise the plan does not give").contains("dpNoiseStd NaN");
  }
}
