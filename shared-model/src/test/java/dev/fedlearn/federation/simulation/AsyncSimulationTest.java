package dev.fedlearn.federation.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.RunDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Asynchronous runs (FedBuff) and the sites' speeds on the simulation's virtual clock. */
class AsyncSimulationTest {
  private static final List<Double> ONE_SLOW = List.of(1.0, 1.0, 5.5); // 0.21, 0.42 and 3.465 simulated s an epoch

  @BeforeAll
  static void load() throws IOException {
    SimulationTest.load();
  }

  private static Model run(RunDefinition.Asynchrony async, int threads, List<Double> speeds,
      List<Simulation.Round> rounds) {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(1);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    return new Simulation(SimulationTest.definition(10, c).withAsynchrony(async), threads).withClientSpeeds(speeds)
        .run(initial, SimulationTest.sites, SimulationTest.test, rounds::add);
  }

  @Test
  void aSlowSiteHoldsNoVersionUpAndItsLateChangeIsWeighedByItsStaleness() {
    List<Simulation.Round> versions = new ArrayList<>();
    run(new RunDefinition.Asynchrony(2, 10, 1.0), 2, ONE_SLOW, versions);
    assertThat(versions).extracting(Simulation.Round::round).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    // the two fast sites make versions 1 to 8, one every 0.42 s; the slow one's change, trained on version 0,
    // arrives at 3.465 s, when version 9 is built on version 8: 8 versions behind; client-1's at 3.57 s makes it
    assertThat(versions.get(0).staleness()).isEqualTo(Map.of("client-1", 0, "client-2", 0));
    assertThat(versions.get(0).simulatedSeconds()).isCloseTo(0.42, offset(1e-9));
    assertThat(versions.get(7).simulatedSeconds()).isCloseTo(8 * 0.42, offset(1e-9));
    assertThat(versions.get(8).staleness()).isEqualTo(Map.of("client-3", 8, "client-1", 0));
    assertThat(versions.get(8).simulatedSeconds()).isCloseTo(3.57, offset(1e-9));
    assertThat(versions.get(8).picked()).contains("client-3");
    assertThat(versions.get(9).globalTestAccuracy()).isGreaterThan(0.8);
  }

  @Test
  void aSeedReproducesAnAsynchronousRunBitForBitWhateverTheThreads() {
    List<Simulation.Round> one = new ArrayList<>();
    List<Simulation.Round> two = new ArrayList<>();
    Model a = run(new RunDefinition.Asynchrony(2, 3, 0.8), 1, ONE_SLOW, one);
    Model b = run(new RunDefinition.Asynchrony(2, 3, 0.8), 2, ONE_SLOW, two);
    assertThat(b.params()).isEqualTo(a.params());
    assertThat(two).extracting(Simulation.Round::staleness).isEqualTo(one.stream().map(Simulation.Round::staleness)
        .toList());
    assertThat(one).as("with a maximum staleness of 3, the slow site's changes are all dropped")
        .allSatisfy(r -> assertThat(r.staleness()).doesNotContainKey("client-3"));
  }

  @Test
  void aSynchronousRoundTakesItsSlowestSitesSimulatedTime() {
    List<Simulation.Round> rounds = new ArrayList<>();
    TrainingConfig c = TrainingConfig.defaults().withEpochs(2);
    new Simulation(SimulationTest.definition(2, c), 2).withClientSpeeds(ONE_SLOW).run(
        Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42), SimulationTest.sites, SimulationTest.test,
        rounds::add);
    assertThat(rounds).extracting(Simulation.Round::simulatedSeconds).containsExactly(2 * 3.465, 4 * 3.465);
    assertThat(rounds.get(0).staleness()).isEmpty();
    assertThatThrownBy(() -> new Simulation(SimulationTest.definition(2, c), 2).withClientSpeeds(List.of(1.0, 0.0)))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> new Simulation(SimulationTest.definition(2, c), 2).withClientSpeeds(List.of(1.0, 2.0))
        .run(Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42), SimulationTest.sites, SimulationTest.test,
            r -> { })).hasMessageContaining("2 client speeds for 3 sites");
  }
}
