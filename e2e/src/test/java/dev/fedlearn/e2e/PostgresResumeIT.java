package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The aggregator on PostgreSQL instead of its default H2 file: the real aggregator jar, pointed at a PostgreSQL
 * container through SPRING_DATASOURCE_URL, _USERNAME and _PASSWORD as an operator would, with the four real client
 * jars. The aggregator is killed (SIGKILL) in the middle of a round and started again on the same database; the run
 * resumes and completes with every round's score and the final model bit for bit those of the in-process simulation
 * ({@link ResumeScenario}), with FedAvgM's server momentum carried across the kill in the database. Then the database itself is read: the run, its clients, rounds and updates are there, and
 * no H2 file was made. Skipped without Docker; fails instead with {@code FL_REQUIRE_DOCKER=true}.
 */
class PostgresResumeIT {
  static final int ROUNDS = 3;
  static final int EPOCHS = 4;
  static final int KILL_IN_ROUND = 2;
  /** A strategy with state (the server's momentum), so that PostgreSQL keeps it and gives it back. */
  static final String STRATEGY = "fedavgm";
  static final String PARAMS = "serverMomentum=0.9";

  @Test
  void aKilledAggregatorResumesItsRunFromPostgres() throws Exception {
    DockerSupport.requireDocker();
    try (PostgreSQLContainer postgres = new PostgreSQLContainer(DockerSupport.POSTGRES_IMAGE)
        .withDatabaseName("fedlearn").withUsername("fedlearn").withPassword("fedlearn-it")) {
      postgres.start();
      ResumeScenario.Outcome outcome = ResumeScenario.run("postgres-resume", ROUNDS, EPOCHS, KILL_IN_ROUND, Map.of(
          "SPRING_DATASOURCE_URL", postgres.getJdbcUrl(),
          "SPRING_DATASOURCE_USERNAME", postgres.getUsername(),
          "SPRING_DATASOURCE_PASSWORD", postgres.getPassword()), STRATEGY, PARAMS);

      // Both aggregators worked on PostgreSQL (Flyway names the database it migrates) and neither made an H2 file.
      for (Path log : List.of(outcome.aggregatorLog(), outcome.restartedLog())) {
        assertThat(Files.readString(log)).as(log.toString()).contains("(PostgreSQL 15")
            .doesNotContain("run state kept in");
      }
      assertThat(outcome.stateDir().resolve("fedlearn.mv.db")).as("no H2 file beside the metrics").doesNotExist();

      // The run as PostgreSQL holds it.
      assertThat(sql(postgres, "select string_agg(id || ':' || state, ',') from run")).as("one run, completed")
          .isEqualTo("1:COMPLETED");
      assertThat(sql(postgres, "select string_agg(client_id, ',' order by client_id) from run_client "
          + "where run_id = 1")).isEqualTo("client-1,client-2,client-3,client-4");
      assertThat(sql(postgres, "select count(*) from run_round where run_id = 1 and round > 0 and model is not null"))
          .as("closed rounds with their global model").isEqualTo(Integer.toString(ROUNDS));
      assertThat(sql(postgres, "select count(*) from run_update where run_id = 1")).as("accepted updates, each once")
          .isEqualTo(Integer.toString(ROUNDS * ResumeScenario.CLIENTS));
      assertThat(sql(postgres, "select count(*) from run_round where run_id = 1 and round > 0 "
          + "and strategy_state is not null"))
          .as("the server momentum kept with each closed round").isEqualTo(Integer.toString(ROUNDS));
    }
  }

  /** One value from psql inside the container, as text. */
  private static String sql(PostgreSQLContainer postgres, String query) throws Exception {
    Container.ExecResult r = postgres.execInContainer("psql", "-U", postgres.getUsername(), "-d",
        postgres.getDatabaseName(), "-v", "ON_ERROR_STOP=1", "-tAc", query);
    assertThat(r.getExitCode()).as("psql %s: %s", query, r.getStderr()).isZero();
    return r.getStdout().strip();
  }
}
