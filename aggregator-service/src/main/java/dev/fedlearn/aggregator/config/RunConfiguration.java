package dev.fedlearn.aggregator.config;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.RunDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the run: the initial model, the strategy and its client sampler, and the scorer on the held-out MNIST test
 * set.
 */
@Configuration
class RunConfiguration {
  private static final Logger log = LoggerFactory.getLogger(RunConfiguration.class);

  /**
   * The default database: an H2 file in {@code FL_STATE_DIR}. Setting {@code spring.datasource.url}
   * ({@code SPRING_DATASOURCE_URL}, e.g. a PostgreSQL URL) replaces it. Decided here when the application starts, not
   * by a condition on the bean: the images run Spring's AOT-processed context, whose conditions are fixed at build
   * time.
   */
  @Bean
  DataSource stateDataSource(AggregatorProperties p, DataSourceProperties configured) throws IOException {
    if (configured.getUrl() != null && !configured.getUrl().equals("unset")) {
      return configured.initializeDataSourceBuilder().build();
    }
    Path dir = Files.createDirectories(p.stateDir()).toAbsolutePath().normalize();
    log.info("run state kept in {}", dir.resolve("fedlearn.mv.db"));
    return DataSourceBuilder.create().url("jdbc:h2:file:" + dir.resolve("fedlearn")
        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0").username("sa").password("").build();
  }

  /**
   * The kept runs and the one to serve: the latest kept run when the environment defines it again (resumed), else a
   * new run with the environment's settings, the earlier runs kept as they are ({@link Runs#choose}).
   */
  @Bean
  Runs runs(AggregatorProperties p, RunHistory history) throws IOException {
    TrainingConfig training = p.training();
    Path mnist = p.dataDir().resolve("mnist");
    Features test = Mnist.load(mnist, Mnist.Part.TEST).features(training.preset().inputOffset());
    String kernel = Kernels.create().name();
    log.info("held-out test set: {} images from {}; kernel {}{}", test.size(), mnist.toAbsolutePath().normalize(),
        kernel, kernel.equals("vector") ? "" : " (start the JVM with --add-modules jdk.incubator.vector for speed)");
    RunDefinition definition = p.definition(new RunDefinition.Data("mnist", test.size()));
    Model initial = Model.initialise(definition.layerSizes(), training.preset(), training.seed());
    // Noise from a SecureRandom no one knows: a run with DP noise is not reproducible bit for bit, by design.
    SecureRandom noise = new SecureRandom();
    int threads = p.threads();
    int id = Runs.choose(history, definition, Instant.now());
    log.info("serving run {}", id);
    return new Runs(history, id, new RunCoordinator(p.rules(), definition, initial, round -> noise,
        m -> Evaluator.evaluate(m, test, threads), Clock.systemUTC(), history.store(id), p.secaggTimeout()));
  }

  /** The run served now: the one the clients register with and train. */
  @Bean
  RunCoordinator runCoordinator(Runs runs) {
    return runs.current();
  }
}
