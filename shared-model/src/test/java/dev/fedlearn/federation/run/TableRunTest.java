package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.Evaluations;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run on a table whose server holds no test set: the clients register their column sums, the plan standardizes
 * with all of them once every client is in, and the clients' reports score the global models.
 */
class TableRunTest {
  static final TableSchema SCHEMA = new TableSchema("kind", List.of("a", "b"), List.of("x", "y"));

  private static RunCoordinator tableRun(RunStore store) {
    return tableRun(store, 2);
  }

  static RunCoordinator tableRun(RunStore store, int clients) {
    RunDefinition definition = RunDefinition.of(2, clients, new RunDefinition.Data("csv", 0, SCHEMA), TestRuns.SIZES,
        TrainingConfig.defaults().withEpochs(1), new FedAvg(), ClientSampler.ALL, null, null);
    return new RunCoordinator(RunRules.of(2, clients), definition, new Model(TestRuns.SIZES, new float[6]), round -> null,
        null, Clock.systemUTC(), store, Duration.ofSeconds(30));
  }

  private static Standardization.Sums sums(long count, double a, double b) {
    return new Standardization.Sums(count, new double[] {a, b}, new double[] {a * a, b * b + 1});
  }

  @Test
  void theRunStandardizesWithEveryClientsSumsInTheOrderOfTheirIds() {
    RunCoordinator run = tableRun(RunStore.NONE);
    TrainingPlan.Table before = run.current().plan().table();
    assertThat(before.schema()).isEqualTo(SCHEMA);
    assertThat(before.standardization()).as("not before every client is in").isNull();

    run.register(new ClientRegistration("site-b", 7, 3, sums(10, 30, 4)));
    run.register(new ClientRegistration("site-a", 2, 1, sums(3, 5, 2)));

    assertThat(run.current().plan().table().standardization())
        .isEqualTo(Standardization.of(List.of(sums(3, 5, 2), sums(10, 30, 4))));
  }

  @Test
  void aRegistrationWithoutFittingSumsIsRefused() {
    RunCoordinator run = tableRun(RunStore.NONE);
    assertThatThrownBy(() -> run.register(new ClientRegistration("images", 7, 3))).isInstanceOf(Refusal.class)
        .hasMessageContaining("learns from a table of 2 feature columns")
        .satisfies(e -> assertThat(((Refusal) e).type()).isEqualTo(ProblemTypes.NOT_IN_RUN));
    assertThatThrownBy(() -> run.register(new ClientRegistration("wide", 7, 3, new Standardization.Sums(10,
        new double[3], new double[3])))).isInstanceOf(Refusal.class).hasMessageContaining("the run's 2 feature");
    assertThatThrownBy(() -> run.register(new ClientRegistration("miscounted", 7, 3, sums(11, 1, 1))))
        .isInstanceOf(Refusal.class).hasMessageContaining("sums.count must be the 10 rows");
    assertThatThrownBy(() -> run.register(new ClientRegistration("liar", 7, 3, new Standardization.Sums(10,
        new double[] {100, 1}, new double[] {10, 1})))).isInstanceOf(Refusal.class)
        .hasMessageContaining("cannot be of 10 rows"); // ten rows summing to 100 have squares summing to 1000 or more
    assertThatThrownBy(() -> run.register(new ClientRegistration("huge", 7, 3, new Standardization.Sums(10,
        new double[] {1e40, 1}, new double[] {1e80, 1})))).isInstanceOf(Refusal.class)
        .hasMessageContaining("numbers within"); // a mean beyond the float range would stop the run for everyone
    assertThat(run.status().registeredClients()).isZero();
    RunCoordinator images = TestRuns.run(2, 2);
    assertThatThrownBy(() -> images.register(new ClientRegistration("table", 7, 3, sums(10, 1, 1))))
        .isInstanceOf(Refusal.class).hasMessageContaining("learns from images");
  }

  @Test
  void theClientsReportsScoreEachRoundSampleWeighted() {
    RunCoordinator run = tableRun(RunStore.NONE);
    run.register(new ClientRegistration("site-a", 7, 3, sums(10, 1, 1)));
    run.register(new ClientRegistration("site-b", 14, 6, sums(20, 1, 1)));
    assertThat(run.status().latest().globalTestAccuracy()).isNull();
    assertThat(run.status().latest().scoredBy()).isEqualTo(RunStatus.Latest.CLIENTS);
    run.submitUpdate(1, TestRuns.update("site-a", 7, 0.5f));
    run.submitUpdate(1, TestRuns.update("site-b", 14, 0.2f));
    assertThat(run.status().round()).isEqualTo(1);
    assertThat(run.status().latest().globalTestAccuracy()).as("nobody has scored round 1 yet").isNull();

    run.submitEvaluation(1, new EvaluationReport("site-b", 6, 0.4, 5.0 / 6));
    assertThat(run.status().latest().globalTestAccuracy()).isEqualTo(5.0 / 6);
    run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3));

    Evaluations.Mean mean = Evaluations.weighted(List.of(new Evaluations.Score(3, 0.7, 1.0 / 3),
        new Evaluations.Score(6, 0.4, 5.0 / 6)));
    assertThat(run.status().latest().globalTestAccuracy()).isEqualTo(mean.accuracy());
    assertThat(run.status().latest().globalTestLoss()).isEqualTo(mean.loss());
    assertThat(run.round(1).globalTestAccuracy()).isEqualTo(mean.accuracy());
  }

  @Test
  void aTableRunRefusesANetworkOfOtherEnds() {
    assertThatThrownBy(() -> RunDefinition.of(2, 2, new RunDefinition.Data("csv", 0, SCHEMA),
        dev.fedlearn.engine.nn.LayerSizes.of(3, 2), TrainingConfig.defaults(), new FedAvg(), ClientSampler.ALL, null,
        null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must take the table's 2 feature");
  }

  @Test
  void theClientsConfusionCountsAreSummedExactlyAndCheckedAgainstTheirScores() {
    RunCoordinator run = tableRun(RunStore.NONE);
    run.register(new ClientRegistration("site-a", 7, 3, sums(10, 1, 1)));
    run.register(new ClientRegistration("site-b", 14, 6, sums(20, 1, 1)));
    run.submitUpdate(1, TestRuns.update("site-a", 7, 0.5f));
    run.submitUpdate(1, TestRuns.update("site-b", 14, 0.2f));
    assertThatThrownBy(() -> run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3,
        new long[] {1, 0, 2}))).isInstanceOf(Refusal.class).hasMessageContaining("2 x 2 counts");
    assertThatThrownBy(() -> run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3,
        new long[] {1, -1, 2, 1}))).isInstanceOf(Refusal.class).hasMessageContaining("between 0 and the 3 samples");
    assertThatThrownBy(() -> run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3,
        new long[] {1, Long.MAX_VALUE, Long.MAX_VALUE, 2}))).isInstanceOf(Refusal.class)
        .hasMessageContaining("between 0 and the 3 samples"); // counts that would wrap around when summed
    assertThatThrownBy(() -> run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3,
        new long[] {1, 1, 1, 1}))).isInstanceOf(Refusal.class).hasMessageContaining("count the 3 samples");
    assertThatThrownBy(() -> run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3,
        new long[] {1, 0, 0, 2}))).isInstanceOf(Refusal.class).hasMessageContaining("the accuracy's share");
    assertThat(run.round(1).confusion()).isNull();

    run.submitEvaluation(1, new EvaluationReport("site-a", 3, 0.7, 1.0 / 3, new long[] {1, 2, 0, 0}));
    assertThat(run.round(1).confusion()).as("not one client's counts alone").isNull();
    assertThat(run.status().latest().confusion()).isNull();
    run.submitEvaluation(1, new EvaluationReport("site-b", 6, 0.4, 5.0 / 6, new long[] {2, 0, 1, 3}));

    assertThat(run.round(1).confusion().counts()).containsExactly(List.of(3L, 2L), List.of(1L, 3L));
    assertThat(run.round(1).confusion().classes()).isEqualTo(SCHEMA.classes());
    assertThat(run.status().latest().confusion()).isEqualTo(run.round(1).confusion());
  }
}
