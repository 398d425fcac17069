package dev.fedlearn.federation.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import dev.fedlearn.TestData;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.LocalSplit;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.data.Partitioner;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.FedProx;
import dev.fedlearn.federation.strategy.Strategy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimulationTest {
  static List<Simulation.Site> sites = new ArrayList<>();
  static Features test;

  @BeforeAll
  static void load() throws IOException {
    if (!sites.isEmpty()) { // loaded by another class's tests (AsyncSimulationTest) in this JVM
      return;
    }
    Dataset train = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN);
    List<int[]> shards = Partitioner.iid(train.size(), new int[] {300, 600, 900}, 42);
    for (int c = 0; c < shards.size(); c++) {
      String id = "client-" + (c + 1);
      LocalSplit split = LocalSplit.of(train.subset(shards.get(c)), 0.7, 42, id);
      sites.add(new Simulation.Site(id, split.train().features(0), split.test().features(0)));
    }
    test = Mnist.load(TestData.mnist(), Mnist.Part.TEST).head(2000).features(0);
  }

  /** A run of {@code rounds} rounds over the three sites. */
  static RunDefinition definition(int rounds, TrainingConfig c, Strategy strategy, ClientSampler sampler) {
    return RunDefinition.of(rounds, sites.size(), new RunDefinition.Data("mnist", test.size()), LayerSizes.DEFAULT, c,
        strategy, sampler, null, null);
  }

  static RunDefinition definition(int rounds, TrainingConfig c) {
    return definition(rounds, c, new FedAvg(), ClientSampler.ALL);
  }

  private static Model run(int threads, List<Simulation.Round> rounds) {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(2);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    return new Simulation(definition(3, c), threads).run(initial, sites, test, rounds::add);
  }

  @Test
  void roundsImproveTheGlobalModelAndReportEverySite() {
    List<Simulation.Round> rounds = new ArrayList<>();
    run(2, rounds);
    assertThat(rounds).extracting(Simulation.Round::round).containsExactly(1, 2, 3);
    for (Simulation.Round r : rounds) {
      assertThat(r.sites()).extracting(Simulation.SiteRound::clientId)
          .containsExactly("client-1", "client-2", "client-3");
      assertThat(r.sites()).extracting(Simulation.SiteRound::trainSamples).containsExactly(210, 420, 630);
      assertThat(r.sites()).extracting(Simulation.SiteRound::testSamples).containsExactly(90, 180, 270);
    }
    assertThat(rounds.get(0).globalTestAccuracy()).isGreaterThan(0.6);
    assertThat(rounds.get(2).globalTestAccuracy()).isGreaterThan(0.8);
    assertThat(rounds.get(2).globalTestLoss()).isLessThan(rounds.get(0).globalTestLoss());
  }

  @Test
  void theResultDoesNotDependOnTheThreadCount() {
    List<Simulation.Round> one = new ArrayList<>();
    List<Simulation.Round> two = new ArrayList<>();
    Model a = run(1, one);
    Model b = run(2, two);
    assertThat(b.params()).containsExactly(a.params());
    assertThat(two.get(2).globalTestLoss()).isEqualTo(one.get(2).globalTestLoss());
  }

  @Test
  void theRoundsGlobalModelIsTheWeightedAverageOfTheClients() {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(1);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    Model viaSimulation = new Simulation(definition(1, c), 1).run(initial, sites, test, null);
    List<ClientResult> results = new ArrayList<>();
    for (Simulation.Site s : sites) {
      LocalTraining.Result r = LocalTraining.run(initial, s.train(), c, s.id(), 1, null);
      results.add(new ClientResult(s.id(), r.weights(), r.numSamples()));
    }
    assertThat(viaSimulation.params()).containsExactly(new FedAvg().aggregate(1, initial, results, List.of(), java.util.Map.of()).model().params());
  }

  @Test
  void onlyThePickedSitesTrainAndScoresAreWeightedBySamples() {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(1);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    ClientSampler sampler = new ClientSampler(0.5, 1); // floor(0.5 * 3) = 1 site a round
    List<Simulation.Round> rounds = new ArrayList<>();
    Model end = new Simulation(definition(3, c, new FedAvg(), sampler), 2).run(initial, sites, test,
        rounds::add);
    List<String> ids = List.of("client-1", "client-2", "client-3");
    for (Simulation.Round r : rounds) {
      assertThat(r.picked()).hasSize(1).isEqualTo(sampler.pick(ids, r.round(), c.seed()));
      double loss = 0;
      double accuracy = 0;
      int total = 0;
      for (Simulation.SiteRound s : r.sites()) {
        boolean picked = r.picked().contains(s.clientId());
        assertThat(s.picked()).isEqualTo(picked);
        assertThat(s.trainSamples() > 0).isEqualTo(picked);
        assertThat(s.testSamples()).isPositive();
        loss += s.testSamples() * s.testLoss();
        accuracy += s.testSamples() * s.testAccuracy();
        total += s.testSamples();
      }
      assertThat(r.clientTestAccuracy()).isCloseTo(accuracy / total, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(r.clientTestLoss()).isCloseTo(loss / total, org.assertj.core.data.Offset.offset(1e-12));
    }
    // round 1 by hand: the one picked site trains, FedAvg of one result is its weights
    String first = rounds.get(0).picked().get(0);
    Simulation.Site site = sites.stream().filter(s -> s.id().equals(first)).findFirst().orElseThrow();
    Model one = new Simulation(definition(1, c, new FedAvg(), sampler), 1).run(initial, sites, test, null);
    assertThat(one.params()).containsExactly(LocalTraining.run(initial, site.train(), c, first, 1, null).weights());
    assertThat(end.isFinite()).isTrue();
  }

  @Test
  void theFirstSitesByIdSendPoisonedUpdatesAndFedProxTrainsWithItsMu() {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(1);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    Attack scale = Attack.parse("scale:3");
    Strategy prox = new FedProx(0.05);
    Simulation sim = new Simulation(definition(1, c, prox, ClientSampler.ALL), 2, 2, scale);
    List<Simulation.Round> rounds = new ArrayList<>();
    Model viaSimulation = sim.run(initial, sites, test, rounds::add);
    assertThat(sim.attackers(sites)).containsExactlyInAnyOrder("client-1", "client-2");
    assertThat(rounds.get(0).sites()).extracting(Simulation.SiteRound::attacked).containsExactly(true, true, false);
    List<ClientResult> results = new ArrayList<>();
    for (Simulation.Site s : sites) {
      LocalTraining.Result r = LocalTraining.run(initial, s.train(), c, s.id(), 1, 0.05f, null);
      float[] sent = s.id().equals("client-3") ? r.weights() : scale.apply(initial.params(), r.weights(), 42, s.id(), 1);
      results.add(new ClientResult(s.id(), sent, r.numSamples()));
    }
    assertThat(viaSimulation.params()).containsExactly(FedAvg.average(initial.params().length, results));
    float[] plain = LocalTraining.run(initial, sites.get(2).train(), c, "client-3", 1, null).weights();
    assertThat(results.get(2).weights()).as("mu changes the training").isNotEqualTo(plain);
    assertThat(new Simulation(definition(1, c, prox, ClientSampler.ALL), 1, 0, scale).attackers(sites)).isEmpty();
  }

  /** The coordinator's checks end a simulation as they end a run: an update it refuses, a diverged site. */
  @Test
  void anUpdateTheCoordinatorRefusesOrADivergedSiteEndsTheRunWithTheReason() {
    TrainingConfig c = TrainingConfig.defaults().withEpochs(1);
    Model initial = Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42);
    Simulation infinite = new Simulation(definition(1, c), 2, 1, Attack.parse("noise:1e39"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> infinite.run(initial, sites, test, null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("weights must be finite");
    Simulation poisoned = new Simulation(definition(2, c), 2, 1, Attack.parse("scale:1e20"));
    List<Simulation.Round> rounds = new ArrayList<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> poisoned.run(initial, sites, test, rounds::add))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("round 2")
        .hasMessageContaining("non-finite weights").hasMessageEndingWith("or weaken --attack");
    assertThat(rounds).as("round 1 ran, its global model poisoned").hasSize(1);
    assertThat(rounds.get(0).globalTestLoss()).isNaN();
  }
}
