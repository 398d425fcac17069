package dev.fedlearn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Idx;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.TrainingPlan;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The records that hold arrays compare them by value, and print their shape rather than their contents: each is
 * built twice from equal but distinct arrays, and once with one element changed.
 */
class RecordValuesTest {
  /** A model-sized weight vector: what a toString must not dump. */
  static final int WEIGHTS = 16_000;
  /** A record's toString stays a line long. */
  static final int MAX_TO_STRING = 360;

  /** Record {@code variant}: 0 and 1 equal (distinct arrays), 2 with one array element changed. */
  private static void checkValueSemantics(IntFunction<Object> variant) {
    Object a = variant.apply(0);
    Object b = variant.apply(1);
    Object c = variant.apply(2);
    assertThat(b).isNotSameAs(a).isEqualTo(a);
    assertThat(b.hashCode()).isEqualTo(a.hashCode());
    assertThat(c).isNotEqualTo(a);
    assertThat(a.toString()).hasSizeLessThan(MAX_TO_STRING);
  }

  private static float[] weights(int variant) {
    float[] w = new float[WEIGHTS];
    for (int i = 0; i < w.length; i++) {
      w[i] = i * 0.25f;
    }
    if (variant == 2) {
      w[WEIGHTS - 1] = -1f;
    }
    return w;
  }

  @Test
  void clientUpdate() {
    checkValueSemantics(v -> new ClientUpdate("c1", 700, new int[] {784, 20, 15, 10}, weights(v), 0.5, 0.9));
    assertThat(new ClientUpdate("c1", 700, new int[] {784, 20}, weights(0), 0.5, 0.9).toString())
        .contains("float[16000]").contains("[784, 20]");
  }

  @Test
  void crossSiteModels() {
    checkValueSemantics(v -> new dev.fedlearn.protocol.CrossSiteModels(1, new int[] {784, 20, 15, 10}, List.of(
        new dev.fedlearn.protocol.CrossSiteModels.Entry("global", weights(0)),
        new dev.fedlearn.protocol.CrossSiteModels.Entry("client-1", weights(v)))));
  }

  @Test
  void globalModel() {
    TrainingPlan plan = TrainingPlan.of(TrainingConfig.defaults());
    checkValueSemantics(v -> new GlobalModel(3, 10, RunState.TRAINING, new int[] {784, 20}, weights(v), plan, true,
        null));
    assertThat(new GlobalModel(3, 10, RunState.TRAINING, new int[] {784, 20}, weights(0), plan, true, null)
        .withProgress(true, false)).isEqualTo(
            new GlobalModel(3, 10, RunState.TRAINING, new int[] {784, 20}, weights(1), plan, true, false));
  }

  @Test
  void clientResult() {
    checkValueSemantics(v -> new ClientResult("c1", weights(v), 700));
    assertThat(List.of(new ClientResult("c1", weights(0), 700))).contains(new ClientResult("c1", weights(1), 700));
  }

  @Test
  void localTrainingResult() {
    checkValueSemantics(v -> new LocalTraining.Result(weights(v), 700, 0.5, 0.9));
  }

  @Test
  void features() {
    checkValueSemantics(v -> new Features(weights(v), new byte[WEIGHTS / 4], 4, 10));
    assertThat(new Features(weights(0), new byte[WEIGHTS / 4], 4, 10).toString())
        .isEqualTo("Features[4000 samples of 4 inputs, 10 classes]");
  }

  @Test
  void idxTensor() {
    checkValueSemantics(v -> {
      byte[] data = new byte[WEIGHTS];
      data[0] = (byte) (v == 2 ? 1 : 0);
      return new Idx.Tensor(new int[] {WEIGHTS}, data, "abc");
    });
  }

  @Test
  void recordsWithoutArraysKeepTheirOwnEquality() {
    assertThat(TrainingPlan.of(TrainingConfig.defaults()))
        .isEqualTo(TrainingPlan.of(new TrainingConfig(50, 1, null, 0.9f, null, 42, Preset.DEFAULT)));
  }
}
