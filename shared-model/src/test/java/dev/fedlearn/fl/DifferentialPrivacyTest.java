package dev.fedlearn.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.nn.LayerSizes;
import dev.fedlearn.nn.Model;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** DP-FedAvg on tiny literal vectors: clipping, the mean over the picked clients, the noise, and what it refuses. */
class DifferentialPrivacyTest {
  /** A 1-2 network: four parameters (two weights, two biases). */
  static final LayerSizes FOUR = LayerSizes.of(1, 2);
  /** Float rounding of the means below. */
  static final double FLOAT = 1e-6;

  static Model model(float... params) {
    return new Model(FOUR, params);
  }

  /** A generator whose every Gaussian draw is {@code value}. */
  static RandomGenerator constant(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextGaussian() {
        return value;
      }
    };
  }

  @Test
  void changesAreClippedToTheNormAndAveragedOverThePickedClients() {
    DifferentialPrivacy dp = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(1, 0, 1e-5),
        round -> constant(0));
    Model global = model(1, 1, 0, 0);
    // Changes (3, 4), norm 5, clipped to (0.6, 0.8); (0.3, 0.4), norm 0.5, kept; sample counts do not weigh.
    List<ClientResult> results = List.of(new ClientResult("a", new float[] {4, 5, 0, 0}, 1000),
        new ClientResult("b", new float[] {1.3f, 1.4f, 0, 0}, 1));
    float[] both = dp.aggregate(1, global, results, List.of(), Map.of()).model().params();
    assertThat((double) both[0]).isCloseTo(1 + (0.6 + 0.3) / 2, within(FLOAT));
    assertThat((double) both[1]).isCloseTo(1 + (0.8 + 0.4) / 2, within(FLOAT));
    // A picked client that sent nothing counts as no change.
    float[] three = dp.aggregate(1, global, results, List.of("c"), Map.of()).model().params();
    assertThat((double) three[0]).isCloseTo(1 + 0.9 / 3, within(FLOAT));
    assertThat(global.params()).containsExactly(1, 1, 0, 0);
  }

  @Test
  void noiseOfSigmaTimesTheClipIsAddedToTheSum() {
    DifferentialPrivacy dp = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(0.5, 2, 1e-5),
        round -> constant(1));
    float[] mean = dp.aggregate(1, model(0, 0, 0, 0), List.of(new ClientResult("a", new float[] {0, 0, 0, 0}, 1),
        new ClientResult("b", new float[] {0, 0, 0, 0}, 1)), List.of(), Map.of()).model().params();
    assertThat((double) mean[0]).as("(0 + 2 x 0.5 x 1) / 2 clients").isCloseTo(0.5, within(FLOAT));

    // Real draws: the mean's noise has standard deviation sigma * C / clients.
    DifferentialPrivacy gaussian = new DifferentialPrivacy(new FedAvg(), new DifferentialPrivacy.Settings(0.5, 2, 1e-5),
        round -> new SplittableRandom(round));
    double sum = 0;
    double squares = 0;
    int n = 20_000;
    for (int round = 1; round <= n; round++) {
      double x = gaussian.aggregate(round, model(0, 0, 0, 0), List.of(new ClientResult("a", new float[] {0, 0, 0, 0}, 1),
          new ClientResult("b", new float[] {0, 0, 0, 0}, 1)), List.of(), Map.of()).model().params()[0];
      sum += x;
      squares += x * x;
    }
    double sd = Math.sqrt(squares / n - (sum / n) * (sum / n));
    assertThat(sd).as("2 x 0.5 / 2, within 3%% with 20,000 draws").isCloseTo(0.5, within(0.015));
    assertThat(sum / n).isCloseTo(0, within(0.02));
  }

  @Test
  void aServerOptimizerTakesTheNoisyMeanAsItsPseudoGradient() {
    Strategy momentum = Strategies.create("fedavgm", "serverLearningRate=1.0,serverMomentum=0.0");
    DifferentialPrivacy dp = new DifferentialPrivacy(momentum, new DifferentialPrivacy.Settings(10, 0, 1e-5),
        round -> constant(0));
    List<ClientResult> results = List.of(new ClientResult("a", new float[] {2, 2, 0, 0}, 1),
        new ClientResult("b", new float[] {4, 4, 0, 0}, 3));
    assertThat(dp.aggregate(1, model(0, 0, 0, 0), results, List.of(), Map.of()).model().params())
        .as("the unweighted mean (3, 3), not FedAvg's weighted (3.5, 3.5)").containsExactly(3, 3, 0, 0);
    assertThat(dp.name()).isEqualTo("fedavgm");
    assertThat(dp.parameters()).containsEntry("dpClip", "10.0").containsEntry("dpNoise", "0.0")
        .containsEntry("dpDelta", "1.0E-5").containsKey("serverMomentum");
  }

  @Test
  void strategiesThatLookAtEachUpdateAndBadSettingsAreRefused() {
    DifferentialPrivacy.Settings ok = new DifferentialPrivacy.Settings(1, 1, 1e-5);
    for (String id : List.of("fedmedian", "fedtrimmedavg", "krum", "multikrum")) {
      assertThatThrownBy(() -> new DifferentialPrivacy(Strategies.create(id, ""), ok, r -> constant(0)))
          .as(id).hasMessageContaining("looks at each update");
    }
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(0, 1, 1e-5)).hasMessageContaining("clip norm");
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(1, -1, 1e-5)).hasMessageContaining("noise");
    assertThatThrownBy(() -> new DifferentialPrivacy.Settings(1, 1, 1)).hasMessageContaining("delta");
  }

  @Test
  void epsilonShrinksWithMoreNoiseAndGrowsWithRounds() {
    DifferentialPrivacy.Settings low = new DifferentialPrivacy.Settings(1, 0.8, 1e-5);
    DifferentialPrivacy.Settings high = new DifferentialPrivacy.Settings(1, 1.5, 1e-5);
    assertThat(high.epsilon(100, 0.1)).isLessThan(low.epsilon(100, 0.1));
    assertThat(low.epsilon(200, 0.1)).isGreaterThan(low.epsilon(100, 0.1));
    assertThat(new DifferentialPrivacy.Settings(1, 0, 1e-5).epsilon(1, 0.1)).as("no noise, no privacy")
        .isInfinite();
  }
}
