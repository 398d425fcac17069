package dev.fedlearn.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.Strategies;
import org.junit.jupiter.api.Test;

class RunDefinitionTest {
  private static RunDefinition seed(String strategy, String params, DifferentialPrivacy.Settings dp, Float bound) {
    return RunDefinition.of(10, 4, new RunDefinition.Data("mnist", 10000), LayerSizes.DEFAULT,
        TrainingConfig.defaults(), Strategies.create(strategy, params), new ClientSampler(0.5, 2), dp, bound);
  }

  @Test
  void aStoredDefinitionReadsBackEqual() {
    RunDefinition d = seed("fedadam", "eta=0.05", new DifferentialPrivacy.Settings(1.0, 1.1, 1e-5), 16f);
    String json = d.toJson();
    assertThat(json).contains("\"rounds\":10", "\"name\":\"fedadam\"", "\"eta\":\"0.05\"", "\"bound\":16.0");
    RunDefinition back = RunDefinition.fromJson(json);
    assertThat(back).isEqualTo(d);
    assertThat(back.differences(d, "stored", "now")).isEmpty();
    assertThat(back.trainingConfig().learningRates(3)).isEqualTo(TrainingConfig.defaults().learningRates(3));
    assertThat(back.trainingConfig().effectiveL2()).isEqualTo(TrainingConfig.defaults().effectiveL2());
    assertThat(json).doesNotContain("private");
    assertThat(back.layerSizes()).isEqualTo(LayerSizes.DEFAULT);
    assertThat(back.serverStrategy(round -> null)).as("secure aggregation: the clients add the noise")
        .isInstanceOf(dev.fedlearn.federation.strategy.FedOpt.class);
    assertThat(back.serverStrategy(round -> null).name()).isEqualTo("fedadam");
  }

  @Test
  void theDifferencesNameEachChangedValue() {
    RunDefinition stored = seed("fedprox", "mu=0.1", null, null);
    RunDefinition now = seed("fedprox", "mu=0.2", new DifferentialPrivacy.Settings(1.0, 1.0, 1e-5), null);
    assertThat(now).isNotEqualTo(stored);
    assertThat(stored.differences(now, "stored", "now")).contains("strategy.parameters.mu: stored 0.1, now 0.2")
        .contains("privacy.clip: stored none, now 1.0");
  }

  @Test
  void thePresetsRatesGivenOrNotAreTheSameRun() {
    TrainingConfig given = new TrainingConfig(50, 1, TrainingConfig.defaults().learningRates(3)[0], 0.9f,
        TrainingConfig.defaults().effectiveL2(), 42, TrainingConfig.defaults().preset());
    RunDefinition explicit = RunDefinition.of(10, 4, new RunDefinition.Data("mnist", 10000), LayerSizes.DEFAULT, given,
        Strategies.create("fedavg", ""), new ClientSampler(0.5, 2), null, null);
    assertThat(explicit).isEqualTo(seed("fedavg", "", null, null));
  }

  @Test
  void aStoredDefinitionWithAPropertyThisReleaseDoesNotKnowIsRefused() {
    String json = seed("fedavg", "", null, null).toJson();
    assertThatThrownBy(() -> RunDefinition.fromJson(json.replaceFirst("\\{", "{\"shuffle\":true,")))
        .hasMessageContaining("shuffle");
  }

  @Test
  void whatCannotRunIsRefused() {
    assertThatThrownBy(() -> seed("krum", "", null, 16f)).hasMessageContaining("looks at each update");
    assertThatThrownBy(() -> seed("nosuch", "", null, null)).hasMessageContaining("unknown strategy");
    assertThatThrownBy(() -> RunDefinition.fromJson("{rounds=10, clients=4}")).isInstanceOf(
        IllegalArgumentException.class).hasMessageStartingWith("not a run definition");
  }
}
