package dev.fedlearn.federation.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.Personalization;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.strategy.FedAvg;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Personalization after a federated run on label-skewed sites: fine-tuning the final global model on each site's own
 * training split improves every site's score on its own test split, and a seed reproduces it bit for bit.
 */
class PersonalizationTest {
  @Test
  void fineTuningTheGlobalModelImprovesEverySkewedSiteAndRepeatsBitForBit() throws IOException {
    Dataset train = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN).head(6000);
    List<int[]> shards = Partitioner.dirichlet(train, new int[] {400, 400, 400, 400}, 0.1, 42);
    List<Simulation.Site> sites = new ArrayList<>();
    for (int c = 0; c < shards.size(); c++) {
      String id = "client-" + (c + 1);
      LocalSplit split = LocalSplit.of(train.subset(shards.get(c)), 0.7, 42, id);
      sites.add(new Simulation.Site(id, split.train().features(0), split.test().features(0)));
    }
    Features test = Mnist.load(TestData.mnist(), Mnist.Part.TEST).head(1000).features(0);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(1);
    RunDefinition definition = RunDefinition.of(3, sites.size(), new RunDefinition.Data("mnist", test.size()),
        LayerSizes.DEFAULT, config, new FedAvg(), ClientSampler.ALL, null, null);
    Simulation simulation = new Simulation(definition, 2);
    Model global = simulation.run(Model.initialise(LayerSizes.DEFAULT, Preset.DEFAULT, 42), sites, test, r -> { });

    float[] before = global.params().clone();
    for (Simulation.Site site : simulation.sites()) {
      Personalization.Result r = Personalization.fineTune(global, site.train(), site.test(), config, 2, site.id(), 3,
          1);
      assertThat(r.personalized().accuracy()).as(site.id()).isGreaterThan(r.global().accuracy());
      assertThat(r.global().count()).isEqualTo(site.test().size());
      Personalization.Result again = Personalization.fineTune(global, site.train(), site.test(), config, 2,
          site.id(), 3, 2);
      assertThat(again.model().params()).as("the same bits on any thread count").containsExactly(
          r.model().params());
    }
    assertThat(global.params()).as("the global model is not modified").containsExactly(before);
    assertThatThrownBy(() -> Personalization.fineTune(global, sites.get(0).train(), sites.get(0).test(), config, 0,
        "client-1", 3, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 epoch");
  }
}
