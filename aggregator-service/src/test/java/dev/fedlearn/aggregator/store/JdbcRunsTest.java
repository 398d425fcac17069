package dev.fedlearn.aggregator.store;

import static dev.fedlearn.federation.run.TestRuns.evaluation;
import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.PastRun;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.RunSummary;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.federation.run.TestRuns;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/** Many runs in one database: each its own rows, the latest resumed with its own settings, a new one with others. */
class JdbcRunsTest {
  JdbcRuns runs;
  JdbcDataSource dataSource;
  final TestRuns.ManualClock clock = new TestRuns.ManualClock();

  @BeforeEach
  void database() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(ds).load().migrate();
    dataSource = ds;
    runs = new JdbcRuns(new JdbcTemplate(ds), new DataSourceTransactionManager(ds));
  }

  private static RunDefinition definition(RunRules rules) {
    return TestRuns.definition(rules, new FedAvg(), ClientSampler.ALL, null);
  }

  /** The runs of an aggregator started with {@code rules} as its environment's run ({@link Runs#start}). */
  private Runs start(RunRules rules) {
    return Runs.start(runs, definition(rules), TestRuns.opener(runs, clock), clock);
  }

  /** The run the aggregator serves once started with {@code rules}. */
  private RunCoordinator serve(RunRules rules) {
    return start(rules).current();
  }

  @Test
  void aRunScoredByItsClientsListsTheirWeightedAccuracies() {
    RunDefinition table = RunDefinition.of(2, 2, new RunDefinition.Data("csv", 0, new TableSchema("kind",
        List.of("a", "b"), List.of("x", "y"))), TestRuns.SIZES, TrainingConfig.defaults().withEpochs(1), new FedAvg(),
        ClientSampler.ALL, null, null);
    Runs.Opener noTestSet = (id, d) -> new RunCoordinator(RunRules.of(d.rounds(), d.clients()), d,
        new Model(d.layerSizes(), new float[6]), round -> null, null, clock, runs.store(id), Duration.ofSeconds(30));
    RunCoordinator run = Runs.start(runs, table, noTestSet, clock).current();
    Standardization.Sums sums = new Standardization.Sums(9, new double[] {1, 1}, new double[] {1, 1});
    run.register(new ClientRegistration("a", 6, 3, sums));
    run.register(new ClientRegistration("b", 3, 6, sums));
    run.submitUpdate(1, update("a", 6, 0.5f));
    run.submitUpdate(1, update("b", 3, 0.7f));
    run.submitEvaluation(1, new EvaluationReport("a", 3, 0.5, 1.0 / 3));
    run.submitEvaluation(1, new EvaluationReport("b", 6, 0.5, 5.0 / 6));
    run.submitUpdate(2, update("a", 6, 0.5f));
    run.submitUpdate(2, update("b", 3, 0.7f));
    run.submitEvaluation(2, new EvaluationReport("a", 3, 0.9, 0));
    run.submitEvaluation(2, new EvaluationReport("b", 6, 0.6, 0.5));

    RunHistory.Entry entry = runs.runs().get(0);
    assertThat(entry.latestAccuracy()).as("round 2: (3 * 0 + 6 * 0.5) / 9").isCloseTo(1.0 / 3,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(entry.bestAccuracy()).as("round 1: (3 / 3 + 6 * 5 / 6) / 9").isCloseTo(2.0 / 3,
        org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aNewDefinitionMakesANewRunAndTheEarlierOnesStayAsTheyWere() {
    RunCoordinator first = serve(RunRules.of(1, 2));
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 0.5f));
    first.submitUpdate(1, update("b", 30, 0.7f));
    assertThat(first.status().state()).isEqualTo(RunState.COMPLETED);

    RunCoordinator second = serve(RunRules.of(2, 2));
    assertThat(second.status().state()).as("a new run, no client of the first").isEqualTo(
        RunState.WAITING_FOR_CLIENTS);
    assertThat(second.status().registeredClients()).isZero();
    second.register(registration("c"));

    List<RunHistory.Entry> kept = runs.runs();
    assertThat(kept).extracting(RunHistory.Entry::id).containsExactly(1, 2);
    RunHistory.Entry one = kept.get(0);
    assertThat(one.state()).as("a completed run is not stopped").isEqualTo("COMPLETED");
    assertThat(one.roundsDone()).isEqualTo(1);
    assertThat(one.latestAccuracy()).as("the first weight, (10 * 0.5 + 30 * 0.7) / 40").isEqualTo(0.65f,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(one.bestAccuracy()).isEqualTo(one.latestAccuracy());
    assertThat(one.startedAt()).isNotNull();
    assertThat(one.finishedAt()).isNotNull();
    assertThat(kept.get(1).state()).isEqualTo("WAITING_FOR_CLIENTS");
    assertThat(kept.get(1).roundsDone()).isZero();
    assertThat(kept.get(1).latestAccuracy()).isNull();

    // Run 1 read back as it ended, from its own rows only.
    Runs all = new Runs(runs, 2, second);
    PastRun past = all.read(1).past();
    assertThat(past.rounds()).isEqualTo(first.rounds());
    assertThat(past.model().weights()).containsExactly(first.globalModel().params());
    assertThat(past.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(past.snapshot().clients()).extracting(RunCoordinator.Client::clientId).containsExactly("a", "b");
    assertThat(past.events()).isNotEmpty().allSatisfy(e -> assertThat(e.detail()).doesNotContain("client c"));
    assertThat(all.read(2).current()).as("the current run is the coordinator's").isSameAs(second);
    assertThat(all.list()).extracting(RunSummary::id, RunSummary::current).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
    assertThat(all.list().get(0).definition()).isEqualTo(definition(RunRules.of(1, 2)));
    assertThatThrownBy(() -> all.get(3)).isInstanceOf(Refusal.class).hasMessageContaining("run 3 is not kept");

    // The same settings again: run 2 resumed, with its client.
    RunCoordinator again = serve(RunRules.of(2, 2));
    assertThat(again.status().registeredClients()).isEqualTo(1);
    assertThat(runs.runs()).hasSize(2);
  }

  @Test
  void aFailedRunKeepsItsResultWhenTheAggregatorIsStartedAgainWithOtherSettings() {
    Runs.Opener withDeadlines = (id, d) -> new RunCoordinator(new RunRules(d.rounds(), d.clients(), d.clients(),
        Duration.ofSeconds(60), Duration.ofSeconds(300), 100), d, new Model(d.layerSizes(),
        new float[] {0.1f, 0, 0, 0, 0, 0}), round -> null, m -> new dev.fedlearn.engine.nn.Evaluation(10,
        1 - m.params()[0], m.params()[0]), clock, runs.store(id), Duration.ofSeconds(30));
    RunCoordinator first = Runs.start(runs, definition(RunRules.of(3, 2)), withDeadlines, clock).current();
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 0.5f));
    first.submitUpdate(1, update("b", 30, 0.7f));
    clock.advance(Duration.ofSeconds(301)); // round 2 gets no update within FL_MAX_ROUND_WAIT
    first.tick();
    assertThat(first.status().state()).isEqualTo(RunState.FAILED);
    String why = first.status().message();

    // What a user does next: start the aggregator again with settings that fit (here a third client).
    Runs again = Runs.start(runs, definition(RunRules.of(3, 3)), withDeadlines, clock);
    assertThat(again.current().status().state()).as("the new settings' run is served").isEqualTo(
        RunState.WAITING_FOR_CLIENTS);
    assertThat(again.current().status().expectedClients()).as("its settings").isEqualTo(3);
    assertThat(again.list()).extracting(RunSummary::id, RunSummary::state, RunSummary::current).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "FAILED", false), org.assertj.core.groups.Tuple.tuple(2,
            "WAITING_FOR_CLIENTS", true));
    RunSummary failed = again.list().get(0);
    assertThat(failed.message()).as("the failure's reason, kept").isEqualTo(why).contains("FL_MAX_ROUND_WAIT");
    assertThat(failed.roundsDone()).isEqualTo(1);
    assertThat(failed.latestAccuracy()).as("round 1's result, (10 * 0.5 + 30 * 0.7) / 40").isCloseTo(0.65,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(failed.definition()).isEqualTo(definition(RunRules.of(3, 2)));
    PastRun past = again.read(1).past();
    assertThat(past.status().state()).isEqualTo(RunState.FAILED);
    assertThat(past.model().weights()).as("its last global model").containsExactly(first.globalModel().params());
    assertThat(past.rounds()).as("its rounds, as they closed").isEqualTo(first.rounds());
  }

  @Test
  void anUnfinishedRunReplacedByAnotherIsStoppedWithTheReason() {
    RunCoordinator first = serve(RunRules.of(2, 2));
    first.register(registration("a"));
    first.register(registration("b"));
    serve(RunRules.of(3, 2));
    RunHistory.Entry stopped = runs.runs().get(0);
    assertThat(stopped.state()).isEqualTo("STOPPED");
    assertThat(stopped.message()).isEqualTo("stopped: the aggregator was started with other settings (rounds: run 1 "
        + "2, now 3), which make run 2");
    assertThat(stopped.finishedAt()).isEqualTo(clock.instant());
    PastRun past = new Runs(runs, 2, null).read(1).past();
    assertThat(past.status().state()).isEqualTo(RunState.STOPPED);
    assertThat(past.rounds()).extracting(dev.fedlearn.federation.run.RoundView::state)
        .as("its open round never closed").containsExactly(dev.fedlearn.federation.run.RoundView.Status.STOPPED);
    assertThat(past.rounds().get(0).deadline()).isNull();
  }

  @Test
  void aFreshStateFolderStartsAtRunOne() {
    Runs started = start(RunRules.of(2, 2));
    assertThat(started.served().id()).isEqualTo(1);
    assertThat(runs.runs()).extracting(RunHistory.Entry::id, RunHistory.Entry::state, RunHistory.Entry::submitted)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "WAITING_FOR_CLIENTS", false));
  }

  /** Submitted runs wait their turn, start one after the other, and a queued or going run can be stopped. */
  @Test
  void submittedRunsRunOneAtATimeInTheOrderTheyCame() {
    Runs all = start(RunRules.of(1, 1));
    List<Runs.Served> followed = new java.util.ArrayList<>();
    all.follow(followed::add);
    RunSummary second = all.submit(definition(RunRules.of(2, 2)));
    RunSummary third = all.submit(definition(RunRules.of(3, 1)));
    assertThat(second.id()).isEqualTo(2);
    assertThat(second.submitted()).isTrue();
    assertThat(List.of(second.state(), third.state())).containsOnly("QUEUED");
    assertThat(all.read(2).neverBegan()).as("run 2 is queued").isTrue();

    all.current().register(registration("a"));
    all.current().submitUpdate(1, update("a", 10, 0.5f));
    all.advance();
    assertThat(all.served().id()).as("run 1 completed, waiting for its final model's scores").isEqualTo(1);
    all.current().submitEvaluation(1, evaluation("a"));
    all.advance();
    assertThat(all.served().id()).as("run 1 completed and scored: run 2 starts").isEqualTo(2);
    assertThat(followed).extracting(Runs.Served::id).containsExactly(1, 2);
    assertThat(all.current().status().state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);
    assertThat(all.current().status().rounds()).isEqualTo(2);

    all.current().register(registration("a"));
    all.current().register(registration("b"));
    all.current().submitUpdate(1, update("a", 10, 0.5f));
    RunSummary stopped = all.stop(2, "stopped on request");
    assertThat(stopped.state()).isEqualTo("STOPPED");
    assertThat(stopped.message()).isEqualTo("stopped on request");
    assertThat(all.served().id()).as("the stop starts the next run").isEqualTo(3);
    assertThat(runs.store(2).load().orElseThrow().updates()).as("the open round's update is gone").isEmpty();
    assertThat(all.read(2).past().rounds()).extracting(dev.fedlearn.federation.run.RoundView::state)
        .containsExactly(dev.fedlearn.federation.run.RoundView.Status.STOPPED);
    assertThat(all.current().status().rounds()).isEqualTo(3);
    assertThatThrownBy(() -> all.stop(2, "again")).isInstanceOf(Refusal.class).hasMessageContaining("has ended");
    assertThatThrownBy(() -> all.stop(1, "late")).isInstanceOf(Refusal.class).hasMessageContaining("COMPLETED");

    RunSummary fourth = all.submit(definition(RunRules.of(4, 1)));
    assertThat(all.stop(fourth.id(), "not wanted").state()).isEqualTo("STOPPED");
    assertThat(all.served().id()).as("a queued run stopped leaves the going one").isEqualTo(3);
    assertThat(all.list()).extracting(RunSummary::state).containsExactly("COMPLETED", "STOPPED",
        "WAITING_FOR_CLIENTS", "STOPPED");
  }

  /**
   * The aggregator killed while submitted run 2 trains and run 3 waits: started again with the same environment,
   * it resumes run 2 where it was, leaves run 3 queued until run 2 ends, and run 1 as it ended.
   */
  @Test
  void aRestartResumesTheGoingSubmittedRunAndKeepsTheQueue() {
    Runs before = start(RunRules.of(1, 1));
    before.current().register(registration("a"));
    before.current().submitUpdate(1, update("a", 10, 0.5f));
    before.submit(definition(RunRules.of(2, 1)));
    before.submit(definition(RunRules.of(3, 1)));
    clock.advance(RunCoordinator.FINAL_SCORES_WAIT); // no score comes: the next run starts after the wait
    before.advance();
    assertThat(before.served().id()).isEqualTo(2);
    before.current().register(registration("a"));
    before.current().submitUpdate(1, update("a", 10, 0.25f));
    List<dev.fedlearn.federation.run.RoundView> rounds = before.current().rounds();

    Runs after = start(RunRules.of(1, 1)); // a new process over the same database
    assertThat(after.served().id()).isEqualTo(2);
    assertThat(after.current().rounds()).isEqualTo(rounds);
    assertThat(after.current().globalModel().params()).containsExactly(before.current().globalModel().params());
    assertThat(runs.runs()).extracting(RunHistory.Entry::state).containsExactly("COMPLETED", "TRAINING", "QUEUED");
    after.current().submitUpdate(2, update("a", 10, 0.5f));
    clock.advance(RunCoordinator.FINAL_SCORES_WAIT);
    after.advance();
    assertThat(after.served().id()).isEqualTo(3);
  }

  /** Changed environment settings while a submitted run trains: the new environment run waits behind it. */
  @Test
  void newEnvironmentSettingsQueueBehindASubmittedRun() {
    Runs before = start(RunRules.of(1, 1));
    before.current().register(registration("a"));
    before.current().submitUpdate(1, update("a", 10, 0.5f));
    before.submit(definition(RunRules.of(2, 1)));
    clock.advance(RunCoordinator.FINAL_SCORES_WAIT);
    before.advance();
    Runs after = start(RunRules.of(5, 1));
    assertThat(after.served().id()).as("the submitted run goes on").isEqualTo(2);
    assertThat(runs.runs()).extracting(RunHistory.Entry::state, RunHistory.Entry::submitted).containsExactly(
        org.assertj.core.groups.Tuple.tuple("COMPLETED", false), org.assertj.core.groups.Tuple.tuple(
            "WAITING_FOR_CLIENTS", true), org.assertj.core.groups.Tuple.tuple("QUEUED", false));
  }

  /**
   * A replaced run's open round loses its updates (their weights are never kept); started again with its settings
   * before the run that replaced it opened a round, the aggregator takes it back, and the clients send them again.
   */
  @Test
  void aStoppedRunDropsItsOpenRoundsUpdatesAndCanBeTakenBackBeforeTheNextOneStarts() {
    RunCoordinator first = serve(RunRules.of(2, 2));
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 0.5f));
    RunCoordinator replaced = serve(RunRules.of(3, 2));
    assertThat(runs.runs().get(0).state()).isEqualTo("STOPPED");
    assertThat(runs.store(1).load().orElseThrow().updates()).as("the open round's update is gone").isEmpty();
    assertThat(replaced.status().state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);

    RunCoordinator back = serve(RunRules.of(2, 2));
    assertThat(runs.runs()).extracting(RunHistory.Entry::state).containsExactly("TRAINING", "STOPPED");
    assertThat(runs.runs().get(0).message()).isNull();
    assertThat(runs.runs().get(1).message()).isEqualTo("stopped before it started: the aggregator went back to run 1");
    assertThat(back.status().round()).isZero();
    assertThat(back.status().updatesReceived()).isZero();
    back.submitUpdate(1, update("a", 10, 0.5f));
    back.submitUpdate(1, update("b", 30, 0.7f));
    assertThat(back.status().round()).as("round 1 closes with both updates sent again").isEqualTo(1);

    serve(RunRules.of(4, 2)); // run 1 trained since: other settings make run 3
    assertThat(runs.runs()).extracting(RunHistory.Entry::id).containsExactly(1, 2, 3);
  }

  /**
   * Settings changed and put back while the runs had ended: the environment's run is served again as it ended (not
   * the never-started run of the other settings), and a run stopped on request is not taken back.
   */
  @Test
  void backToEarlierSettingsServesTheirRunAndNeverRevivesARunStoppedOnRequest() {
    Runs first = start(RunRules.of(1, 1));
    first.current().register(registration("a"));
    first.current().submitUpdate(1, update("a", 10, 0.5f));
    start(RunRules.of(3, 1)); // run 2 queued and begun, never started
    Runs back = start(RunRules.of(1, 1));
    assertThat(back.served().id()).as("run 1 again, as it ended").isEqualTo(1);
    assertThat(back.current().status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(runs.runs()).extracting(RunHistory.Entry::state).containsExactly("COMPLETED", "STOPPED");

    Runs fourth = start(RunRules.of(4, 2)); // run 3
    fourth.current().register(registration("a"));
    fourth.current().register(registration("b"));
    fourth.stop(3, "stopped on request");
    start(RunRules.of(5, 2)); // run 4, never started
    Runs again = start(RunRules.of(4, 2));
    assertThat(runs.runs().get(2).state()).as("stopped on request stays stopped").isEqualTo("STOPPED");
    assertThat(again.served().id()).isEqualTo(3);
    assertThat(again.current().status().state()).isEqualTo(RunState.STOPPED);
  }

  /** A queued run whose definition this release cannot open is stopped, saying why; the others go on. */
  @Test
  void aQueuedRunThatCannotBeOpenedIsStoppedAndTheAggregatorStillStarts() {
    Runs all = start(RunRules.of(1, 1));
    RunSummary broken = all.submit(definition(RunRules.of(2, 1)));
    new JdbcTemplate(dataSource).update("update run set settings = ? where id = ?", "{\"rounds\": 2}", broken.id());
    Runs restarted = start(RunRules.of(1, 1));
    assertThat(restarted.served().id()).isEqualTo(1);
    all.current().register(registration("a"));
    Runs later = start(RunRules.of(1, 1));
    later.current().register(registration("a"));
    later.current().submitUpdate(1, update("a", 10, 0.5f));
    clock.advance(RunCoordinator.FINAL_SCORES_WAIT);
    later.advance();
    assertThat(runs.runs().get(1).state()).isEqualTo("STOPPED");
    assertThat(runs.runs().get(1).message()).startsWith("could not start");
    assertThat(later.served().id()).isEqualTo(1);
  }
}
