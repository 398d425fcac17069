package dev.fedlearn.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.protocol.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** {@code FL_SCHEMA_FILE}: the environment's run learns from a table, and the aggregator holds no data. */
class SchemaSettingTest {
  @TempDir
  Path tmp;

  @Test
  void theRunLearnsFromTheSchemasTableAndItsClientsScoreIt() throws Exception {
    Path schema = Files.writeString(tmp.resolve("schema.json"),
        "{\"label\": \"kind\", \"features\": [\"a\", \"b\", \"c\"], \"classes\": [\"x\", \"y\"]}");
    AggregatorProperties p = EnvironmentNamesTest.bind(Map.of("FL_SCHEMA_FILE", schema.toString(), "FL_HIDDEN", "4",
        "FL_DATA_DIR", tmp.resolve("no-data").toString(), "FL_ROUNDS", "1", "FL_CLIENTS", "1"));

    Runs runs = new RunConfiguration().runs(p, DatasetSettingTest.history());

    RunDefinition definition = runs.current().definition();
    assertThat(definition.data()).isEqualTo(new RunDefinition.Data("csv", 0, new TableSchema("kind",
        List.of("a", "b", "c"), List.of("x", "y"))));
    assertThat(definition.network().layers()).containsExactly(3, 4, 2);
    assertThat(runs.current().status().latest().scoredBy()).isEqualTo(RunStatus.Latest.CLIENTS);
  }

  @Test
  void aSchemaFileThatIsMissingOrNotASchemaStopsTheStartWithOneReason() throws Exception {
    Path oneClass = Files.writeString(tmp.resolve("one.json"),
        "{\"label\": \"kind\", \"features\": [\"a\"], \"classes\": [\"x\"]}");
    for (Path file : List.of(tmp.resolve("missing.json"), oneClass)) {
      AggregatorProperties p = EnvironmentNamesTest.bind(Map.of("FL_SCHEMA_FILE", file.toString()));
      assertThatThrownBy(() -> new RunConfiguration().runs(p, DatasetSettingTest.history()))
          .isInstanceOfSatisfying(StartupFailureAnalyzers.BadSchemaFile.class, e -> {
            FailureAnalysis a = new StartupFailureAnalyzers.Schema().analyze(e);
            assertThat(a.getDescription()).startsWith("The table's schema cannot be used: FL_SCHEMA_FILE " + file);
            assertThat(a.getAction()).contains("fl shards --csv");
          });
    }
  }
}
