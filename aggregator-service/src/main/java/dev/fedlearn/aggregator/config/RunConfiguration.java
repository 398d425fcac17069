package dev.fedlearn.aggregator.config;

import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.ImageSet;
import dev.fedlearn.engine.data.Mnist;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Kernels;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.Runs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the run: the initial model, the strategy and its client sampler, and the scorer on the held-out test set of
 * its image dataset (MNIST's, or {@code FL_DATASET}'s).
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
   * A run on images is scored on its dataset's test set ({@code FL_DATA_DIR/<dataset>}: the environment's,
   * {@code FL_DATASET}, read at the start, another when a kept run of it first needs it), scaled as its network's
   * preset wants; a run on a table ({@code FL_SCHEMA_FILE}) is scored by its clients, the server holding no data.
   */
  @Bean
  Runs runs(AggregatorProperties p, RunHistory history) throws IOException {
    TableSchema schema = p.schemaFile() == null ? null : schema(p.schemaFile());
    Map<ImageSet, Supplier<Dataset>> tests = new ConcurrentHashMap<>();
    Function<ImageSet, Dataset> test = set -> tests.computeIfAbsent(set, s -> memoized(() -> {
      Path dir = p.dataDir().resolve(s.id());
      Dataset images = Mnist.load(dir, s, Mnist.Part.TEST, null);
      log.info("held-out test set: {} {} images from {}", images.size(), s.title(), dir.toAbsolutePath().normalize());
      return images;
    })).get();
    Map<Scaled, Features> scaled = new ConcurrentHashMap<>();
    String kernel = Kernels.create().name();
    log.info("kernel {}{}", kernel, kernel.equals("vector") ? ""
        : " (start the JVM with --add-modules jdk.incubator.vector for speed)");
    RunDefinition environment = p.definition(schema == null
        ? new RunDefinition.Data(p.imageSet().id(), test.apply(p.imageSet()).size())
        : new RunDefinition.Data("csv", 0, schema));
    if (schema != null) {
      log.info("runs learn from a table: {} feature columns, classes {} (label '{}'), from {}; the server holds no "
          + "test set: the clients score the global models", schema.inputs(), schema.classes(), schema.label(),
          p.schemaFile());
    }
    // Noise from a SecureRandom no one knows: a run with DP noise is not reproducible bit for bit, by design.
    SecureRandom noise = new SecureRandom();
    int threads = p.threads();
    Runs.Opener opener = (id, definition) -> {
      TrainingConfig training = definition.trainingConfig();
      Function<Model, Evaluation> scorer = null;
      if (definition.data().schema() == null) {
        Scaled key = new Scaled(ImageSet.of(definition.data().dataset()), training.preset().inputOffset());
        Features features = scaled.computeIfAbsent(key, k -> test.apply(k.set()).features(k.offset()));
        scorer = m -> Evaluator.evaluate(m, features, threads);
      }
      Model initial = Model.initialise(definition.layerSizes(), training.preset(), training.seed());
      return new RunCoordinator(p.rules(definition), definition, initial, round -> noise, scorer, Clock.systemUTC(),
          history.store(id), p.secaggTimeout());
    };
    return Runs.start(history, environment, opener, Clock.systemUTC());
  }

  /** A table's schema from its JSON file; a file that is not one stops the start with one line naming it. */
  static TableSchema schema(Path file) throws IOException {
    try {
      return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
          .readValue(Files.readString(file), TableSchema.class);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new StartupFailureAnalyzers.BadSchemaFile("FL_SCHEMA_FILE " + file + ": no such file", e);
    } catch (JacksonException e) {
      throw new StartupFailureAnalyzers.BadSchemaFile("FL_SCHEMA_FILE " + file + ": not a table's schema ({\"label\": ..., "
          + "\"features\": [...], \"classes\": [...]}): " + e.getOriginalMessage(), e);
    }
  }

  /** A test set as a network's preset scales it. */
  private record Scaled(ImageSet set, float offset) {}

  /** {@code load} once, when first asked, its result kept; an IOException is thrown as unchecked. */
  private static Supplier<Dataset> memoized(IoSupplier<Dataset> load) {
    return new Supplier<>() {
      private Dataset value;

      @Override
      public synchronized Dataset get() {
        if (value == null) {
          try {
            value = load.get();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return value;
      }
    };
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }
}
