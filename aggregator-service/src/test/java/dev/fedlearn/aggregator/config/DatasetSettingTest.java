package dev.fedlearn.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.aggregator.store.JdbcRuns;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.protocol.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** {@code FL_DATASET}: the image dataset the environment's run learns from, names and is scored on. */
class DatasetSettingTest {
  static final Path DATA = Path.of(System.getProperty("fl.data.dir", "../data")).toAbsolutePath();

  @Test
  void theDefaultIsMnistAndFlDatasetChoosesFashionMnist() {
    assertThat(EnvironmentNamesTest.bind(Map.of("FL_ROUNDS", "10")).imageSet()).isEqualTo(ImageSet.MNIST);
    assertThat(EnvironmentNamesTest.bind(Map.of("FL_DATASET", "")).imageSet()).isEqualTo(ImageSet.MNIST);
    AggregatorProperties p = EnvironmentNamesTest.bind(Map.of("FL_DATASET", "fashion-mnist"));
    assertThat(p.dataset()).isEqualTo("fashion-mnist");
    assertThat(p.imageSet()).isEqualTo(ImageSet.FASHION_MNIST);
  }

  @Test
  void anUnknownDatasetStopsTheStartWithOneLineNamingTheSetting() {
    assertThatThrownBy(() -> EnvironmentNamesTest.bind(Map.of("FL_DATASET", "cifar"))).rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("FL_DATASET (fl.dataset): unknown image dataset 'cifar': expected one of mnist, fashion-mnist");
  }

  @Test
  void theEnvironmentsRunOnFashionMnistIsNamedSoAndScoredOnItsTestSet() throws Exception {
    AggregatorProperties p = properties("fashion-mnist");
    Runs runs = new RunConfiguration().runs(p, history());

    RunDefinition definition = runs.current().definition();
    assertThat(definition.data()).isEqualTo(new RunDefinition.Data("fashion-mnist", 10_000));
    assertThat(runs.environment()).isEqualTo(definition);
    assertScoredOn(ImageSet.FASHION_MNIST, ImageSet.MNIST, runs, p.threads());
  }

  @Test
  void aQueuedRunOfTheOtherDatasetIsScoredOnItsOwnTestSet() throws Exception {
    AggregatorProperties p = properties("mnist");
    Runs runs = new RunConfiguration().runs(p, history());
    assertThat(runs.current().definition().data()).isEqualTo(new RunDefinition.Data("mnist", 10_000));
    assertScoredOn(ImageSet.MNIST, ImageSet.FASHION_MNIST, runs, p.threads());

    RunDefinition other = properties("fashion-mnist").definition(new RunDefinition.Data("fashion-mnist", 10_000));
    runs.submit(other);
    runs.stop(runs.served().id(), "the queued run goes next");
    assertThat(runs.current().definition()).isEqualTo(other);
    assertScoredOn(ImageSet.FASHION_MNIST, ImageSet.MNIST, runs, p.threads());
  }

  /** One short run's settings on {@code dataset}, its test set read from the repository's data folder. */
  private static AggregatorProperties properties(String dataset) {
    return EnvironmentNamesTest.bind(Map.of("FL_DATASET", dataset, "FL_DATA_DIR", DATA.toString(), "FL_ROUNDS", "1",
        "FL_CLIENTS", "1"));
  }

  /** The served run's round 0, its initial model, was scored on {@code set}'s test set, not on {@code other}'s. */
  private static void assertScoredOn(ImageSet set, ImageSet other, Runs runs, int threads) throws Exception {
    RunDefinition definition = runs.current().definition();
    TrainingConfig training = definition.trainingConfig();
    Model initial = Model.initialise(definition.layerSizes(), training.preset(), training.seed());
    RunStatus.Latest latest = runs.current().status().latest();
    assertThat(latest.round()).isZero();
    assertThat(latest.globalTestLoss()).isEqualTo(score(initial, set, training, threads).loss())
        .isNotEqualTo(score(initial, other, training, threads).loss());
  }

  /** {@code model}'s score on {@code set}'s test set, as the aggregator scores it ({@code threads} threads). */
  private static Evaluation score(Model model, ImageSet set, TrainingConfig training, int threads) throws Exception {
    Dataset test = Mnist.load(DATA.resolve(set.id()), set, Mnist.Part.TEST, null);
    return Evaluator.evaluate(model, test.features(training.preset().inputOffset()), threads);
  }

  /** A run history of its own: an H2 database in memory. */
  static JdbcRuns history() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(ds).load().migrate();
    return new JdbcRuns(new JdbcTemplate(ds), new DataSourceTransactionManager(ds));
  }
}
