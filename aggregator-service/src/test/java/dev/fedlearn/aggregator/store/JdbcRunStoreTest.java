package dev.fedlearn.aggregator.store;

import static dev.fedlearn.federation.run.TestRuns.evaluation;
import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.federation.run.TestRuns;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.TrainingPlan;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggStep;
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

/** The run survives a restart: a new coordinator on the same store continues exactly where the old one stopped. */
class JdbcRunStoreTest {
  JdbcRunStore store;
  JdbcTemplate jdbc;

  @BeforeEach
  void database() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(ds).load().migrate();
    jdbc = new JdbcTemplate(ds);
    store = new JdbcRunStore(jdbc, new DataSourceTransactionManager(ds), 1);
  }

  /** One clock for every coordinator of a test, moved by hand: statuses that say "deadline in N s" compare equal. */
  final TestRuns.ManualClock clock = new TestRuns.ManualClock();

  private RunCoordinator coordinator(RunStore s) {
    return TestRuns.run(RunRules.of(3, 2), clock, s);
  }

  /** A run on a table of two columns whose clients score the models (the server holds no test set). */
  private static final RunDefinition TABLE_RUN = RunDefinition.of(3, 2, new RunDefinition.Data("csv", 0,
      new TableSchema("kind", java.util.List.of("a", "b"), java.util.List.of("x", "y"))), TestRuns.SIZES,
      dev.fedlearn.engine.nn.TrainingConfig.defaults().withEpochs(1), new dev.fedlearn.federation.strategy.FedAvg(),
      dev.fedlearn.federation.ClientSampler.ALL, null, null);

  private RunCoordinator tableRun(RunStore s) {
    return new RunCoordinator(RunRules.of(3, 2), TABLE_RUN, new dev.fedlearn.engine.nn.Model(TestRuns.SIZES,
        new float[6]), round -> null, null, clock, s, java.time.Duration.ofSeconds(30));
  }

  /** The table run above with secure aggregation: its column sums are masked before round 1. */
  private static final RunDefinition SECURE_TABLE_RUN = RunDefinition.of(3, 2, TABLE_RUN.data(), TestRuns.SIZES,
      dev.fedlearn.engine.nn.TrainingConfig.defaults().withEpochs(1), new dev.fedlearn.federation.strategy.FedAvg(),
      dev.fedlearn.federation.ClientSampler.ALL, null, 16f);

  private RunCoordinator secureTableRun() {
    return new RunCoordinator(RunRules.of(3, 2), SECURE_TABLE_RUN, new dev.fedlearn.engine.nn.Model(TestRuns.SIZES,
        new float[6]), round -> null, null, clock, store, java.time.Duration.ofSeconds(30));
  }

  @Test
  void aTableRunRestartsWithTheSameStandardizationAndItsClientsScores() {
    RunCoordinator first = tableRun(store);
    first.register(new ClientRegistration("b", 20, 10, new Standardization.Sums(30, new double[] {0.1, 1e9 + 0.3},
        new double[] {0.07, 3e18})));
    first.register(new ClientRegistration("a", 7, 3, new Standardization.Sums(10, new double[] {-2.5, 4},
        new double[] {9.25, 17})));
    first.submitUpdate(1, update("a", 7, 1f));
    first.submitUpdate(1, update("b", 20, 5f));
    first.submitEvaluation(1, new EvaluationReport("a", 3, 0.5, 2.0 / 3));
    first.submitEvaluation(1, new EvaluationReport("b", 10, 0.25, 0.9));

    RunCoordinator resumed = tableRun(store);

    TrainingPlan.Table table = resumed.awaitModel(-1, java.time.Duration.ZERO).join().plan().table();
    assertThat(table).isEqualTo(first.awaitModel(-1, java.time.Duration.ZERO).join().plan().table());
    assertThat(table.standardization().mean()).containsExactly((float) ((-2.5 + 0.1) / 40), (float) ((4 + 1e9 + 0.3)
        / 40)); // the sums came back bit for bit
    assertThat(resumed.status()).isEqualTo(first.status());
    assertThat(resumed.status().latest().scoredBy()).isEqualTo("clients");
    assertThat(resumed.status().latest().globalTestAccuracy()).isEqualTo((3 * (2.0 / 3) + 10 * 0.9) / 13);
    assertThat(resumed.rounds()).isEqualTo(first.rounds());
    // Read back as a past run, its model still carries the table, for fl evaluate and fl predict.
    assertThat(dev.fedlearn.federation.run.PastRun.open(store, TABLE_RUN, null).orElseThrow().model().plan().table())
        .isEqualTo(table);
  }

  /**
   * A cross-site evaluation survives restarts: while it scores, the collected local models are served again after one,
   * and once it is done its matrix stays, without the local models' weights, which the store drops.
   */
  @Test
  void aCrossSiteEvaluationSurvivesARestartAndItsLocalModelsAreDroppedOnceDone() {
    RunRules rules = RunRules.of(1, 2).withCrossSite(true);
    RunCoordinator first = TestRuns.run(rules, clock, store);
    first.register(TestRuns.registration("a"));
    first.register(TestRuns.registration("b"));
    first.submitUpdate(1, update("a", 10, 0.5f));
    first.submitUpdate(1, update("b", 10, 0.7f));
    first.crossSite().upload(update("b", 10, 0.2f));
    RunCoordinator second = TestRuns.run(rules, clock, store);
    assertThat(second.crossSite().matrix()).isEqualTo(first.crossSite().matrix());
    assertThatThrownBy(() -> second.crossSite().upload(update("b", 10, 0.3f))).hasMessageContaining("already");
    second.crossSite().upload(update("a", 10, 0.1f));
    var models = second.crossSite().models("a");
    second.crossSite().score(new dev.fedlearn.protocol.CrossSiteScores("a", 30, java.util.List.of(0.5, 0.6, 0.7),
        null));

    RunCoordinator third = TestRuns.run(rules, clock, store);
    assertThat(third.crossSite().models("b")).as("the local models, bit for bit").isEqualTo(models);
    assertThat(third.crossSite().matrix()).isEqualTo(second.crossSite().matrix());
    java.time.Instant later = clock.instant().plus(RunCoordinator.FINAL_SCORES_WAIT);
    assertThat(third.settled(later)).as("b's row is still to come").isFalse();
    third.crossSite().score(new dev.fedlearn.protocol.CrossSiteScores("b", 30, java.util.List.of(0.1, 0.2, 0.3),
        null));
    assertThat(jdbc.queryForObject("select count(*) from run_cross_site_model where weights is not null",
        Integer.class)).as("dropped once done").isZero();

    RunCoordinator fourth = TestRuns.run(rules, clock, store);
    var done = fourth.crossSite().matrix();
    assertThat(done).isEqualTo(third.crossSite().matrix());
    assertThat(done.state()).isEqualTo(dev.fedlearn.protocol.CrossSiteMatrix.State.DONE);
    assertThat(done.models()).containsExactly("global", "a", "b");
    assertThat(done.rows().get(1).accuracy()).containsExactly(0.1, 0.2, 0.3);
    assertThat(fourth.settled(later)).isTrue();
    assertThat(fourth.snapshot().crossSite()).isEqualTo(done);
  }

  @Test
  void theClientsPersonalizationsSurviveARestart() {
    RunCoordinator first = TestRuns.run(RunRules.of(1, 2), clock, store);
    first.register(TestRuns.registration("a"));
    first.register(TestRuns.registration("b"));
    first.submitUpdate(1, update("a", 10, 0.5f));
    first.submitUpdate(1, update("b", 10, 0.7f));
    dev.fedlearn.protocol.PersonalizedReport b = new dev.fedlearn.protocol.PersonalizedReport("b", 3, 20, 0.55, 0.25,
        0.9);
    first.submitPersonalized(1, b);
    RunCoordinator resumed = TestRuns.run(RunRules.of(1, 2), clock, store);
    assertThat(resumed.personalized()).containsExactly(b);
    assertThatThrownBy(() -> resumed.submitPersonalized(1, b)).hasMessageContaining("already reported");
  }

  @Test
  void aSecureTableRunKeepsOnlyTheTotalOfItsColumnSumsAndRestartsWithIt() {
    RunDefinition secure = SECURE_TABLE_RUN;
    java.util.function.Supplier<RunCoordinator> start = this::secureTableRun;
    RunCoordinator first = start.get();
    first.register(new ClientRegistration("a", 7, 3, null, 2));
    first.register(new ClientRegistration("b", 20, 10, null, 2));
    RunCoordinator restarted = start.get();
    assertThat(restarted.secure().plan(1).sumsColumns()).as("the column sums are asked for again").isTrue();
    java.util.Map<String, Standardization.Sums> sums = java.util.Map.of(
        "a", new Standardization.Sums(10, new double[] {-2.5, 4}, new double[] {9.25, 17}),
        "b", new Standardization.Sums(30, new double[] {0.1, 1e9 + 0.3}, new double[] {0.07, 3e18}));
    TestRuns.sumColumnsSecurely(restarted, sums);
    TrainingPlan.Table table = restarted.awaitModel(-1, java.time.Duration.ZERO).join().plan().table();
    assertThat(table.standardization()).isEqualTo(Standardization.of(java.util.List.copyOf(sums.values())));

    RunCoordinator resumed = start.get();
    assertThat(resumed.status().state()).as("a restored table run before its first round closed").isEqualTo(
        RunState.TRAINING);
    assertThat(resumed.awaitModel(-1, java.time.Duration.ZERO).join().plan().table()).isEqualTo(table);
    assertThat(resumed.secure().plan(1).sumsColumns()).as("round 1's weights session").isFalse();
    assertThat(jdbc.queryForObject("select count(*) from run_client where sums is not null", Integer.class))
        .as("no client's own sums").isZero();
    assertThat(dev.fedlearn.federation.run.PastRun.open(store, secure, null).orElseThrow().model().plan().table())
        .isEqualTo(table);
  }

  /** Once the column sums' survivors were told (unmasking shares asked for), a restart never masks the sums again. */
  @Test
  void aRestartAfterTheColumnSumsUnmaskingWasAskedForFailsTheRunWithTheReason() {
    RunDefinition secure = SECURE_TABLE_RUN;
    java.util.function.Supplier<RunCoordinator> start = this::secureTableRun;
    RunCoordinator first = start.get();
    first.register(new ClientRegistration("a", 7, 3, null, 2));
    first.register(new ClientRegistration("b", 20, 10, null, 2));
    SecAggPlan plan = first.secure().plan(1);
    java.util.Map<String, dev.fedlearn.federation.secagg.SecAggClient> clients = new java.util.TreeMap<>();
    for (String id : java.util.List.of("a", "b")) {
      clients.put(id, new dev.fedlearn.federation.secagg.SecAggClient(id, 1, plan.threshold(),
          new java.security.SecureRandom()));
      first.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = first.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> first.secure().receive(1, plan.session(),
        new dev.fedlearn.protocol.SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> first.secure().receive(1, plan.session(), dev.fedlearn.protocol.MaskedUpdate.of(id,
        c.mask(dev.fedlearn.federation.secagg.ColumnSums.encode(new Standardization.Sums(10, new double[2],
            new double[2])), first.secure().sharesFor(1, plan.session(), id)))));
    assertThat(first.secure().survivors(1, plan.session())).containsExactly("a", "b");

    RunCoordinator restarted = start.get();
    assertThat(restarted.status().state()).isEqualTo(RunState.FAILED);
    assertThat(restarted.status().message()).contains("restarted after its secure aggregation of the table's column "
        + "sums asked for the unmasking shares");
  }

  @Test
  void aRestartedCoordinatorContinuesTheSameRunAndEndsWithTheSameModel() {
    RunCoordinator first = coordinator(store);
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 1f));
    first.submitUpdate(1, update("b", 30, 5f));
    first.submitEvaluation(1, evaluation("a"));
    first.submitUpdate(2, update("b", 30, 2f)); // round 2 open with one of two updates: then the "crash"
    clock.advance(java.time.Duration.ofSeconds(3)); // the restart takes a while

    RunCoordinator resumed = coordinator(store);
    assertThat(resumed.status()).isEqualTo(first.status());
    assertThat(resumed.rounds()).isEqualTo(first.rounds());
    assertThat(resumed.globalModel()).isEqualTo(first.globalModel());
    resumed.submitUpdate(2, update("a", 10, 6f));
    resumed.submitUpdate(3, update("a", 10, 1f));
    resumed.submitUpdate(3, update("b", 30, 3f));

    RunCoordinator clean = coordinator(RunStore.NONE); // the same run without a restart
    clean.register(registration("a"));
    clean.register(registration("b"));
    clean.submitUpdate(1, update("a", 10, 1f));
    clean.submitUpdate(1, update("b", 30, 5f));
    clean.submitUpdate(2, update("b", 30, 2f));
    clean.submitUpdate(2, update("a", 10, 6f));
    clean.submitUpdate(3, update("a", 10, 1f));
    clean.submitUpdate(3, update("b", 30, 3f));
    assertThat(resumed.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(resumed.globalModel()).isEqualTo(clean.globalModel());
    assertThat(resumed.rounds()).extracting(RoundView::round).containsExactly(1, 2, 3);
    assertThat(resumed.rounds()).extracting(RoundView::globalTestAccuracy)
        .isEqualTo(clean.rounds().stream().map(RoundView::globalTestAccuracy).toList());
    assertThat(resumed.round(1).evaluations()).hasSize(1);

    RunCoordinator afterTheEnd = coordinator(store);
    assertThat(afterTheEnd.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(afterTheEnd.snapshot().modelHistory()).hasSize(4);
    assertThat(jdbc.queryForObject("select count(*) from run_update_weights", Integer.class))
        .as("weights are dropped once aggregated").isZero();
  }

  @Test
  void aLongRunRestartsWithABoundedSampleOfItsModels() {
    int rounds = 45; // kept in memory: every 3rd round (stride (45 + 18) / 19), the initial and the last one
    RunCoordinator first = TestRuns.run(RunRules.of(rounds, 1), clock, store,
        dev.fedlearn.federation.strategy.Strategies.create("fedavgm", "serverMomentum=0.5"), dev.fedlearn.federation.ClientSampler.ALL);
    first.register(registration("a"));
    for (int r = 1; r <= 40; r++) {
      first.submitUpdate(r, update("a", 10, r % 7));
    }
    java.util.Set<Integer> kept = first.snapshot().modelHistory().keySet();
    assertThat(kept).as("every 3rd round and the current one").startsWith(0, 3, 6).contains(39, 40).hasSize(15);

    assertThat(store.load(r -> r % 10 == 0).orElseThrow().rounds()).allSatisfy(stored -> {
      boolean wanted = stored.round() % 10 == 0 || stored.round() == 40;
      assertThat(stored.model() != null).as("model of round %d loaded", stored.round()).isEqualTo(wanted);
      assertThat(stored.strategyState() != null).as("state of round %d loaded", stored.round())
          .isEqualTo(stored.round() == 40);
    });

    RunCoordinator resumed = TestRuns.run(RunRules.of(rounds, 1), clock, store,
        dev.fedlearn.federation.strategy.Strategies.create("fedavgm", "serverMomentum=0.5"), dev.fedlearn.federation.ClientSampler.ALL);
    assertThat(resumed.snapshot().modelHistory().keySet()).as("the same sample after a restart")
        .isEqualTo(java.util.Set.copyOf(kept));
    assertThat(resumed.globalModel()).isEqualTo(first.globalModel());
    RunCoordinator clean = TestRuns.run(RunRules.of(rounds, 1), clock, RunStore.NONE,
        dev.fedlearn.federation.strategy.Strategies.create("fedavgm", "serverMomentum=0.5"), dev.fedlearn.federation.ClientSampler.ALL);
    clean.register(registration("a"));
    for (int r = 1; r <= rounds; r++) {
      clean.submitUpdate(r, update("a", 10, r % 7));
      if (r > 40) {
        resumed.submitUpdate(r, update("a", 10, r % 7));
      }
    }
    assertThat(resumed.globalModel()).as("the server momentum came back too").isEqualTo(clean.globalModel());
  }

  @Test
  void weightsLeftByACrashAfterARoundClosedAreIgnoredThenDeleted() {
    RunCoordinator first = coordinator(store);
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 1f));
    first.submitUpdate(1, update("b", 30, 5f));
    // As if the process died after round 1 closed but before its weights were deleted.
    jdbc.update("insert into run_update_weights (run_id, round, client_id, weights) values (1, 1, 'a', ?)",
        (Object) JdbcRunStore.bytes(new float[] {9f, 9, 9, 9, 9, 9}));
    assertThat(store.load().orElseThrow().updates()).filteredOn(u -> u.round() == 1)
        .allSatisfy(u -> assertThat(u.weights()).as("a closed round's weights are not loaded").isNull());
    RunCoordinator resumed = coordinator(store);
    resumed.submitUpdate(2, update("a", 10, 1f));
    resumed.submitUpdate(2, update("b", 30, 1f));
    assertThat(jdbc.queryForObject("select count(*) from run_update_weights", Integer.class))
        .as("the leftovers go when the next round closes").isZero();
  }

  /**
   * A store written before V3 (weights in round_update) and V5 (one run, no run ids), with round 1 open and one
   * update in: after the migrations it is run 1, and the open round goes on with the migrated weights.
   */
  @Test
  void anOpenRoundsWeightsSurviveTheMigrationsAsRunOne() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Flyway.configure().dataSource(ds).target("2").load().migrate(); // a store written before V3
    JdbcTemplate old = new JdbcTemplate(ds);
    java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
    old.update("insert into run (id, settings, state, created_at) values (1, ?, 'TRAINING', ?)",
        TestRuns.definition(RunRules.of(3, 2), new dev.fedlearn.federation.strategy.FedAvg(),
            dev.fedlearn.federation.ClientSampler.ALL, null).toJson(), now);
    old.update("insert into round (round, started_at, ended_at, global_accuracy, global_loss, model) "
        + "values (0, ?, ?, 0.1, 2.3, ?)", now, now, JdbcRunStore.bytes(new float[] {0.1f, 0, 0, 0, 0, 0}));
    old.update("insert into round (round, started_at) values (1, ?)", now);
    for (String c : List.of("a", "b")) {
      old.update("insert into client (client_id, train_samples, test_samples, registered_at) values (?, 100, 30, ?)",
          c, now);
    }
    old.update("insert into round_update (round, client_id, num_samples, train_loss, train_accuracy, received_at, "
        + "weights) values (1, 'a', 10, 0.5, 0.8, ?, ?)", now, JdbcRunStore.bytes(new float[] {1f, 1, 2, 3, 4, 5}));

    Flyway.configure().dataSource(ds).load().migrate();
    RunCoordinator resumed = coordinator(new JdbcRunStore(old, new DataSourceTransactionManager(ds), 1));
    assertThat(resumed.status().updatesReceived()).isEqualTo(1);
    resumed.submitUpdate(1, update("b", 30, 5f));
    assertThat(resumed.globalModel().params()[0]).as("(10 * 1 + 30 * 5) / 40 from the migrated weights")
        .isEqualTo(4f);
    assertThat(old.queryForObject("select count(*) from run_update_weights", Integer.class)).isZero();
    assertThat(old.queryForObject("select count(*) from run_event where run_id <> 1", Integer.class)).isZero();
  }

  @Test
  void aStopBetweenTheLastUpdateAndTheAggregationIsFinishedOnRestart() {
    RunCoordinator first = coordinator(store);
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 1f));
    // The second update is in the store, but the process stopped before aggregating.
    store.updateAccepted(new RunStore.StoredUpdate(1, "b", 30, 0.5, 0.8, Instant.now(),
        new float[] {5f, 1, 2, 3, 4, 5}, java.util.List.of()));
    RunCoordinator resumed = coordinator(store);
    assertThat(resumed.status().round()).isEqualTo(1);
    assertThat(resumed.globalModel().params()[0]).isEqualTo(4f);
  }

  @Test
  void everyEpochsFiguresAndEveryEventSurviveARestart() {
    RunCoordinator first = coordinator(store);
    first.register(registration("a"));
    first.register(registration("b"));
    java.util.List<ClientUpdate.Epoch> curve = java.util.List.of(new ClientUpdate.Epoch(1, 1.0 / 3, 0.1 + 0.2));
    ClientUpdate a = update("a", 10, 1f);
    first.submitUpdate(1, new ClientUpdate("a", 10, a.layerSizes(), a.weights(), 0.25, 0.8, curve));
    first.events().refused("POST /api/v1/rounds/9/updates", "b", 409, "round 9 is not open");

    RunCoordinator resumed = coordinator(store);
    assertThat(resumed.round(1).training().get(0).epochs()).as("bit for bit, numbered from 1").isEqualTo(curve);
    resumed.submitUpdate(1, update("b", 30, 5f));
    assertThat(resumed.round(1).training()).extracting(t -> t.epochs().size()).containsExactly(1, 0);
    assertThat(resumed.events().all()).as("refusals are not stored").extracting(RunEvent::type).containsExactly(
        "state", "registered", "registered", "opened", "update", "restarted", "update", "aggregated", "opened");
    assertThat(resumed.events().all().get(5).detail()).contains("round 1 open with 1 of 2 updates");
    assertThat(resumed.events().all().get(7).round()).isEqualTo(1);
  }

  @Test
  void refusalsReachTheSubscribersButAreNeverStored() {
    RunCoordinator run = coordinator(store);
    int stored = run.events().all().size();
    java.util.List<RunEvent> heard = new java.util.ArrayList<>();
    run.events().subscribe(heard::add);
    for (int i = 0; i < 2000; i++) {
      run.events().refused("GET /api/v1/rounds/99", null, 404, "no such round");
    }
    assertThat(heard).hasSize(2000).allMatch(e -> e.type().equals("refused"));
    assertThat(run.events().all()).hasSize(stored).noneMatch(e -> e.type().equals("refused"));
    assertThat(run.events().recent(100)).as("the run's own events stay in the replay").hasSize(stored);
  }

  @Test
  void aRefusedRequestLeavesNoTrace() {
    RunCoordinator run = coordinator(store);
    run.register(registration("a"));
    run.register(registration("b"));
    assertThatThrownBy(() -> run.submitUpdate(1, update("a", 1000, 1f))).hasMessageContaining("numSamples");
    assertThat(jdbc.queryForObject("select count(*) from run_update", Integer.class)).isZero();
    assertThat(coordinator(store).status().updatesReceived()).isZero();
  }

  @Test
  void aStoreWithAnotherRunsSettingsIsRefusedAndKeptAsItIs() {
    coordinator(store).register(registration("a"));
    RunCoordinator other = TestRuns.run(RunRules.of(5, 2), clock, store);
    assertThat(other.status().state()).isEqualTo(RunState.FAILED);
    assertThat(other.status().message()).contains("rounds: stored 3, now 5").contains("FL_STATE_DIR");
    assertThat(other.refusal()).isPresent();
    assertThatThrownBy(() -> other.register(registration("b"))).hasMessageContaining("rounds: stored 3, now 5");
    assertThatThrownBy(() -> other.submitUpdate(1, update("a", 10, 1f))).hasMessageContaining("other settings");
    RunCoordinator otherStrategy = TestRuns.run(RunRules.of(3, 2), clock, store,
        dev.fedlearn.federation.strategy.Strategies.create("fedadam", "eta=0.05"), new dev.fedlearn.federation.ClientSampler(0.5, 1));
    assertThat(otherStrategy.status().message()).contains("strategy.name: stored fedavg, now fedadam")
        .contains("strategy.parameters.eta: stored none, now 0.05").contains("sampling.fraction: stored 1.0, now 0.5");

    RunCoordinator same = coordinator(store); // started again with the stored settings: the run resumes
    assertThat(same.refusal()).isEmpty();
    assertThat(same.status().registeredClients()).isEqualTo(1);
    assertThat(same.status().state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);
  }

  /** A secure run's coordinator over {@code s}: four clients, fedavg, the clients' weights within 16. */
  private RunCoordinator secure(RunStore s) {
    RunRules rules = RunRules.of(2, 4);
    RunDefinition definition = RunDefinition.of(2, 4, new RunDefinition.Data("test", 10), TestRuns.SIZES,
        TrainingConfig.defaults().withEpochs(1), new FedAvg(), ClientSampler.ALL, null, 16f);
    return new RunCoordinator(rules, definition, new Model(TestRuns.SIZES, new float[6]), round -> null,
        m -> new Evaluation(10, 0.5, 0.5), clock, s, Duration.ofSeconds(30));
  }

  @Test
  void aSecureRoundOpenAtARestartGoesOnInANewSession() {
    RunCoordinator first = secure(store);
    for (String id : java.util.List.of("a", "b", "c", "d")) {
      first.register(registration(id));
    }
    SecAggPlan before = first.secure().plan(1);
    RunCoordinator resumed = secure(store);
    assertThat(resumed.refusal()).isEmpty();
    SecAggPlan after = resumed.secure().plan(1);
    assertThat(after.session()).isNotEqualTo(before.session());
    assertThat(after.step()).isEqualTo(SecAggStep.KEYS);
    assertThat(after.picked()).containsExactly("a", "b", "c", "d");
    assertThat(resumed.events().all()).anySatisfy(e -> assertThat(e.detail())
        .contains("the aggregator restarted: the open round's secure aggregation starts again"));
  }

  @Test
  void aRunStoredByAnEarlierReleaseIsRefusedWithTheReason() {
    // Settings as the first release's Map.toString() wrote them.
    jdbc.update("insert into run (id, settings, state, created_at) values (1, ?, ?, ?)",
        "{rounds=3, clients=2, strategy=fedavg}", RunState.WAITING_FOR_CLIENTS.name(),
        java.sql.Timestamp.from(java.time.Instant.EPOCH));
    jdbc.update("insert into run_round (run_id, round, started_at, ended_at, global_accuracy, global_loss, model) "
        + "values (1, 0, ?, ?, 0.1, 0.9, ?)", java.sql.Timestamp.from(java.time.Instant.EPOCH),
        java.sql.Timestamp.from(java.time.Instant.EPOCH), JdbcRunStore.bytes(new float[6]));
    RunCoordinator later = coordinator(store);
    assertThat(later.refusal()).hasValueSatisfying(r -> assertThat(r).contains("a run this release cannot read").contains("not a run definition")
        .contains("FL_STATE_DIR"));
  }

  @Test
  void theDeadlinesAndTheQuorumMayChangeBetweenRestarts() {
    coordinator(store).register(registration("a"));
    RunCoordinator resumed = TestRuns.run(new RunRules(3, 2, 1, java.time.Duration.ofSeconds(5),
        java.time.Duration.ofSeconds(9), 50), clock, store);
    assertThat(resumed.status().registeredClients()).isEqualTo(1);
    assertThat(resumed.snapshot().settings()).containsEntry("minClients", "1");
  }

  @Test
  void modelsRoundTripBitForBit() {
    float[] f = {0f, -0f, 1.5f, Float.MIN_VALUE, -3.4e38f, 1e-7f};
    assertThat(JdbcRunStore.floats(JdbcRunStore.bytes(f))).containsExactly(f);
  }

  @Test
  void aServerOptimizersStateSurvivesARestart() {
    java.util.function.Function<RunStore, RunCoordinator> fedadam = st -> TestRuns.run(RunRules.of(3, 2), clock, st,
        dev.fedlearn.federation.strategy.Strategies.create("fedadam", "eta=0.5"), dev.fedlearn.federation.ClientSampler.ALL);
    RunCoordinator first = fedadam.apply(store);
    first.register(registration("a"));
    first.register(registration("b"));
    first.submitUpdate(1, update("a", 10, 1f));
    first.submitUpdate(1, update("b", 30, 5f));
    first.submitUpdate(2, update("b", 30, 2f)); // then the "crash"
    assertThat(jdbc.queryForObject("select count(*) from run_round where strategy_state is not null", Integer.class))
        .as("round 1's moments are stored").isEqualTo(1);

    RunCoordinator resumed = fedadam.apply(store);
    resumed.submitUpdate(2, update("a", 10, 6f));
    resumed.submitUpdate(3, update("a", 10, 1f));
    resumed.submitUpdate(3, update("b", 30, 3f));

    RunCoordinator clean = fedadam.apply(RunStore.NONE);
    clean.register(registration("a"));
    clean.register(registration("b"));
    clean.submitUpdate(1, update("a", 10, 1f));
    clean.submitUpdate(1, update("b", 30, 5f));
    clean.submitUpdate(2, update("b", 30, 2f));
    clean.submitUpdate(2, update("a", 10, 6f));
    clean.submitUpdate(3, update("a", 10, 1f));
    clean.submitUpdate(3, update("b", 30, 3f));
    assertThat(resumed.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(resumed.globalModel()).as("bit for bit").isEqualTo(clean.globalModel());
  }

  @Test
  void strategyStatesRoundTripBitForBit() {
    java.util.Map<String, float[]> state = java.util.Map.of("m", new float[] {1.5f, -0f, Float.MIN_VALUE},
        "v", new float[] {}, "momentum", new float[] {3e38f});
    java.util.Map<String, float[]> back = StrategyStates.decode(StrategyStates.encode(state));
    assertThat(back.keySet()).containsExactlyInAnyOrder("m", "v", "momentum");
    state.forEach((k, v) -> assertThat(back.get(k)).containsExactly(v));
    assertThat(StrategyStates.decode(StrategyStates.encode(java.util.Map.of()))).isEmpty();
    assertThat(StrategyStates.encode(null)).isNull();
  }
}
