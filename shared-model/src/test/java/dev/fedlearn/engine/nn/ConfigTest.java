package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void layerSizesLayOutWeightsThenBiasesPerLayer() {
    LayerSizes s = LayerSizes.DEFAULT;
    assertThat(s.depth()).isEqualTo(3);
    assertThat(s.weightOffset(1)).isZero();
    assertThat(s.biasOffset(1)).isEqualTo(784 * 20);
    assertThat(s.weightOffset(2)).isEqualTo(784 * 20 + 20);
    assertThat(s.parameterCount()).isEqualTo(784 * 20 + 20 + 20 * 15 + 15 + 15 * 10 + 10);
    assertThat(s.describe(0)).isEqualTo("W1[0,0]");
    assertThat(s.describe(785)).isEqualTo("W1[1,1]");
    assertThat(s.describe(784 * 20 + 3)).isEqualTo("b1[3]");
    assertThat(s.describe(s.parameterCount() - 1)).isEqualTo("b3[9]");
    assertThat(LayerSizes.parse("784, 20,15,10")).isEqualTo(s);
    assertThat(s).hasToString("784,20,15,10");
  }

  @Test
  void badShapesAreRefused() {
    assertThatThrownBy(() -> LayerSizes.parse("784,x,10")).hasMessageContaining("whole numbers");
    assertThatThrownBy(() -> LayerSizes.of(784)).hasMessageContaining("at least an input and an output");
    assertThatThrownBy(() -> LayerSizes.of(784, 0, 10)).hasMessageContaining("positive");
    assertThatThrownBy(() -> LayerSizes.of(784, 1)).hasMessageContaining("2 classes");
    assertThatThrownBy(() -> new Model(LayerSizes.of(2, 2), new float[5])).hasMessageContaining("take 6");
  }

  @Test
  void trainingConfigChecksItsValues() {
    assertThatThrownBy(() -> new TrainingConfig(-1, 1, null, 0.9f, null, 1, Preset.DEFAULT))
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> new TrainingConfig(1, 0, null, 0.9f, null, 1, Preset.DEFAULT))
        .hasMessageContaining("batch size");
    assertThatThrownBy(() -> new TrainingConfig(1, 1, -0.1f, 0.9f, null, 1, Preset.DEFAULT))
        .hasMessageContaining("learning rate");
    assertThatThrownBy(() -> new TrainingConfig(1, 1, Float.NaN, 0.9f, null, 1, Preset.DEFAULT))
        .hasMessageContaining("learning rate");
    assertThatThrownBy(() -> new TrainingConfig(1, 1, null, 1f, null, 1, Preset.DEFAULT))
        .hasMessageContaining("momentum");
    assertThatThrownBy(() -> new TrainingConfig(1, 1, null, 0.9f, -1f, 1, Preset.DEFAULT))
        .hasMessageContaining("l2");
    // a decoupled decay of 1 or more would zero or flip every weight each step; as L2 it is merely strong
    assertThatThrownBy(() -> new TrainingConfig(1, 1, null, 0.9f, 1f, 1, Preset.SEED))
        .hasMessageContaining("below 1");
    assertThat(new TrainingConfig(1, 1, null, 0.9f, 1f, 1, Preset.DEFAULT).effectiveL2()).isEqualTo(1f);
  }

  @Test
  void presetsGiveTheirRates() {
    TrainingConfig seed = new TrainingConfig(1, 1, null, 0.9f, null, 1, Preset.SEED);
    assertThat(seed.learningRates(3)).containsExactly(0.003f, 0.002f, 0.001f);
    assertThat(seed.effectiveL2()).isEqualTo(1e-5f);
    assertThat(Preset.SEED.inputOffset()).isEqualTo(10f);
    assertThatThrownBy(() -> seed.learningRates(2)).hasMessageContaining("--learning-rate");
    TrainingConfig fixed = new TrainingConfig(1, 1, 0.5f, 0.9f, null, 1, Preset.SEED);
    assertThat(fixed.learningRates(3)).containsExactly(0.5f, 0.5f, 0.5f);
    assertThat(Preset.parse("SEED")).isEqualTo(Preset.SEED);
    assertThatThrownBy(() -> Preset.parse("fast")).hasMessageContaining("default or seed");
  }

  @Test
  void kernelsAreChosenByName() {
    assertThat(Kernels.create("scalar").name()).isEqualTo("scalar");
    assertThat(Kernels.create("auto").name()).isEqualTo("vector");
    assertThatThrownBy(() -> Kernels.create("gpu")).hasMessageContaining("auto, vector or scalar");
  }

  @Test
  void seedStreamsAreIndependentAndStable() {
    long a = Seeds.derive(42, Seeds.TRAIN, Seeds.of("client-1"), 1).nextLong();
    assertThat(Seeds.derive(42, Seeds.TRAIN, Seeds.of("client-1"), 1).nextLong()).isEqualTo(a);
    assertThat(Seeds.derive(42, Seeds.TRAIN, Seeds.of("client-1"), 2).nextLong()).isNotEqualTo(a);
    assertThat(Seeds.derive(42, Seeds.TRAIN, Seeds.of("client-2"), 1).nextLong()).isNotEqualTo(a);
    assertThat(Seeds.derive(43, Seeds.TRAIN, Seeds.of("client-1"), 1).nextLong()).isNotEqualTo(a);
  }
}
