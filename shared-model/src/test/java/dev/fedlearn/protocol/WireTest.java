package dev.fedlearn.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import org.junit.jupiter.api.Test;

class WireTest {
  @Test
  void globalModelCarriesItsShapeAndACopyOfItsWeights() {
    Model m = Model.initialise(LayerSizes.of(4, 3, 2), Preset.DEFAULT, 1);
    GlobalModel g = GlobalModel.of(2, 10, RunState.TRAINING, m, TrainingPlan.of(TrainingConfig.defaults()));
    assertThat(g.layerSizes()).containsExactly(4, 3, 2);
    assertThat(g.weights()).containsExactly(m.params()).isNotSameAs(m.params());
    assertThat(g.toModel()).isEqualTo(m);
    assertThat(g.plan().toConfig()).isEqualTo(TrainingConfig.defaults());
  }

  @Test
  void mismatchedShapesAreRefused() {
    ClientUpdate u = new ClientUpdate("a", 1, new int[] {4, 3, 2}, new float[3], 0, 0);
    assertThatThrownBy(u::toModel).hasMessageContaining("take 23 parameters, got 3");
    ClientUpdate none = new ClientUpdate("a", 1, null, new float[3], 0, 0);
    assertThatThrownBy(none::toModel).hasMessageContaining("required");
  }

  @Test
  void aPlanWithBadValuesIsRefused() {
    TrainingPlan p = new TrainingPlan(1, 0, null, 0.9f, null, 1, "default");
    assertThatThrownBy(p::toConfig).hasMessageContaining("batch size");
    TrainingPlan q = new TrainingPlan(1, 1, null, 0.9f, null, 1, "turbo");
    assertThatThrownBy(q::toConfig).hasMessageContaining("unknown preset");
  }
}
