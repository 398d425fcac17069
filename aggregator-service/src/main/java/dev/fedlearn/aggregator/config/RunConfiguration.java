package dev.fedlearn.aggregator.config;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.engine.data.Dataset;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
   * The kept runs and the one to serve: the environment's run is kept (resumed when it is the latest run the
   * environment defined, else queued as a new run), then the first run that has not ended is served ({@link Runs#start}).
   * Each run is scored on MNIST's test set, scaled as its network's preset wants.
   */
  @Bean
  Runs runs(AggregatorProperties p, RunHistory history) throws IOException {
    Path mnist = p.dataDir().resolve("mnist");
    Dataset test = Mnist.load(mnist, Mnist.Part.TEST);
    Map<Float, Features> scaled = new ConcurrentHashMap<>();
    String kernel = Kernels.create().name();
    log.info("held-out test set: {} images from {}; kernel {}{}", test.size(), mnist.toAbsolutePath().normalize(),
        kernel, kernel.equals("vector") ? "" : " (start the JVM with --add-modules jdk.incubator.vector for speed)");
    RunDefinition environment = p.definition(new RunDefinition.Data("mnist", test.size()));
    // Noise from a SecureRandom no one knows: a run with DP noise is not reproducible bit for bit, by design.
    SecureRandom noise = new SecureRandom();
    int threads = p.threads();
    Runs.Opener opener = (id, definition) -> {
      TrainingConfig training = definition.trainingConfig();
      Features features = scaled.computeIfAbsent(training.preset().inputOffset(), test::features);
      Model initial = Model.initialise(definition.layerSizes(), training.preset(), training.seed());
      return new RunCoordinator(p.rules(definition), definition, initial, round -> noise,
          m -> Evaluator.evaluate(m, features, threads), Clock.systemUTC(), history.store(id), p.secaggTimeout());
    };
    return Runs.start(history, environment, opener, Clock.systemUTC());
  }
}
