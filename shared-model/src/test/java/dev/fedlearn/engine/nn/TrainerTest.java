package dev.fedlearn.engine.nn;

import dev.fedlearn.engine.data.Seeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.TestData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Mnist;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {
  static Features train;
  static Features test;

  @BeforeAll
  static void load() throws IOException {
    Dataset all = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN);
    train = all.head(2000).features(0);
    test = Mnist.load(TestData.mnist(), Mnist.Part.TEST).head(2000).features(0);
  }

  private static Model trained(long seed, int epochs) {
    Model m = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, seed);
    TrainingConfig c = TrainingConfig.defaults().withEpochs(epochs).withSeed(seed);
    new Trainer(m, c).train(train, Seeds.derive(seed, Seeds.TRAIN), null);
    return m;
  }

  @Test
  void aProximalMuOfZeroChangesNoBit() {
    Model plain = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 3);
    Model prox = plain.copy();
    float[] anchor = plain.params().clone();
    TrainingConfig c = TrainingConfig.defaults().withEpochs(2);
    new Trainer(plain, c).train(train, Seeds.derive(3, Seeds.TRAIN), null);
    Trainer t = new Trainer(prox, c).proximal(0f, anchor);
    t.train(train, Seeds.derive(3, Seeds.TRAIN), null);
    assertThat(prox.params()).containsExactly(plain.params());
    assertThat(t.factoredFirstLayer()).isTrue();
  }

  @Test
  void theProximalTermKeepsTheModelNearTheAnchorAndStillLearns() {
    Model start = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 3);
    float[] anchor = start.params().clone();
    TrainingConfig c = TrainingConfig.defaults().withEpochs(2);
    double[] distance = new double[3];
    double[] accuracy = new double[3];
    float[] mus = {0f, 0.01f, 1f};
    for (int k = 0; k < mus.length; k++) {
      Model m = start.copy();
      Trainer t = new Trainer(m, c).proximal(mus[k], anchor);
      t.train(train, Seeds.derive(3, Seeds.TRAIN), null);
      assertThat(t.factoredFirstLayer()).isEqualTo(mus[k] == 0f);
      for (int j = 0; j < anchor.length; j++) {
        distance[k] += (m.params()[j] - anchor[j]) * (double) (m.params()[j] - anchor[j]);
      }
      accuracy[k] = Evaluator.evaluate(m, test).accuracy();
    }
    assertThat(distance[1]).isLessThan(distance[0]);
    assertThat(distance[2]).isLessThan(distance[1]);
    assertThat(accuracy[1]).as("mu 0.01 still learns").isGreaterThan(0.8);
    assertThatThrownBy(() -> new Trainer(start.copy(), c).proximal(-1f, anchor)).hasMessageContaining("mu");
    assertThatThrownBy(() -> new Trainer(start.copy(), c).proximal(1f, new float[3])).hasMessageContaining("anchor");
  }

  @Test
  void theSameSeedGivesIdenticalWeights() {
    Model a = trained(7, 2);
    Model b = trained(7, 2);
    assertThat(b.params()).containsExactly(a.params());
    assertThat(trained(8, 2).params()).isNotEqualTo(a.params());
  }

  @Test
  void initialisationIsSeededAndFollowsThePreset() {
    Model a = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 1);
    assertThat(Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 1)).isEqualTo(a);
    assertThat(Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 2)).isNotEqualTo(a);
    float heLimit = (float) Math.sqrt(6.0 / 784);
    LayerSizes s = LayerSizes.DEFAULT;
    for (int j = s.weightOffset(1); j < s.biasOffset(1); j++) {
      assertThat(Math.abs(a.params()[j])).isLessThanOrEqualTo(heLimit);
    }
    assertThat(a.params()[s.biasOffset(2)]).isZero();
    Model seed = Model.initialise(s, Preset.SEED, 1);
    float max = 0;
    for (float v : seed.params()) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(1f);
      max = Math.max(max, Math.abs(v));
    }
    assertThat(max).as("U(-1,1) reaches near 1").isGreaterThan(0.99f);
    assertThat(seed.params()[s.biasOffset(1)]).as("seed preset draws biases too").isNotZero();
  }

  @Test
  void trainingLearnsAndReportsEveryEpoch() {
    Model m = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 3);
    double before = Evaluator.evaluate(m, test).accuracy();
    List<Trainer.EpochStats> epochs = new ArrayList<>();
    new Trainer(m, TrainingConfig.defaults().withEpochs(3)).train(train, Seeds.derive(3, Seeds.TRAIN), epochs::add);
    assertThat(epochs).extracting(Trainer.EpochStats::epoch).containsExactly(1, 2, 3);
    assertThat(epochs.get(2).loss()).isLessThan(epochs.get(0).loss());
    Evaluation after = Evaluator.evaluate(m, test);
    assertThat(before).isLessThan(0.3);
    assertThat(after.accuracy()).isGreaterThan(0.8);
  }

  @Test
  void batchTrainingLearnsToo() {
    Model m = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 3);
    TrainingConfig c = new TrainingConfig(5, 16, 0.1f, 0.9f, null, 3, Preset.DEFAULT);
    new Trainer(m, c).train(train, Seeds.derive(3, Seeds.TRAIN), null);
    assertThat(Evaluator.evaluate(m, test).accuracy()).isGreaterThan(0.8);
  }

  @Test
  void seedPresetTrainsWithItsOwnInputScaling() {
    Features seedTrain = new Features(shift(train.x(), 10f / 255), train.labels(), 784, 10);
    Model m = Model.initialise(LayerSizes.DEFAULT, Preset.SEED, 3);
    TrainingConfig c = new TrainingConfig(5, 1, null, 0.9f, null, 3, Preset.SEED);
    new Trainer(m, c).train(seedTrain, Seeds.derive(3, Seeds.TRAIN), null);
    Features seedTest = new Features(shift(test.x(), 10f / 255), test.labels(), 784, 10);
    assertThat(Evaluator.evaluate(m, seedTest).accuracy()).isGreaterThan(0.3);
  }

  @Test
  void onlyTheDefaultPresetReshufflesEveryEpoch() {
    for (Preset preset : Preset.values()) {
      Model a = Model.initialise(LayerSizes.DEFAULT, preset, 5);
      Model b = a.copy();
      TrainingConfig c = new TrainingConfig(2, 1, null, 0.9f, null, 5, preset);
      new Trainer(a, c).train(train, new SplittableRandom(1), null);
      new Trainer(b, c).train(train, new SplittableRandom(2), null);
      if (preset.reshuffles()) {
        assertThat(b.params()).as(preset.id()).isNotEqualTo(a.params());
      } else {
        assertThat(b.params()).as(preset.id() + ": the notebook's fixed order").containsExactly(a.params());
      }
    }
    assertThat(Preset.SEED.reshuffles()).isFalse();
    assertThat(Preset.SEED.decoupledDecay()).isTrue();
  }

  private static float[] shift(float[] x, float by) {
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += by;
    }
    return y;
  }

  @Test
  void evaluationDoesNotDependOnTheThreadCount() {
    Model m = trained(5, 1);
    Evaluation one = Evaluator.evaluate(m, test, 1);
    Evaluation two = Evaluator.evaluate(m, test, 2);
    assertThat(two).isEqualTo(one);
    assertThat(one.count()).isEqualTo(test.size());
  }

  @Test
  void rejectsDataOfTheWrongShape() {
    Model m = Model.initialise(LayerSizes.of(5, 3, 2), Preset.DEFAULT, 1);
    assertThatThrownBy(() -> new Trainer(m, TrainingConfig.defaults()).train(train, Seeds.derive(1), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("784 inputs");
  }
}
