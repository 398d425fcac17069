package dev.fedlearn.client.worker;

import static org.awaitility.Awaitility.await;
import static dev.fedlearn.client.worker.FakeAggregator.rejected;
import static dev.fedlearn.client.worker.FakeAggregator.unreachable;
import static dev.fedlearn.client.worker.FakeAggregator.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.TestShards;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.TrainingPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FederatedClientTest {
  private static final int ROUNDS = 3;
  private static final TrainingPlan PLAN = new TrainingPlan(2, 4, null, 0.9f, null, 42L, "default");
  private static final Model MODEL = Model.initialise(LayerSizes.of(784, 8, 10), Preset.DEFAULT, 7);

  @TempDir
  static Path dir;
  static Path shard;
  static LocalData data;

  private FakeAggregator aggregator;
  private StatusTracker tracker;
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void shard() throws Exception {
    shard = TestShards.write(dir.resolve("client-t.csv"), 40, 1);
    data = new LocalData(shard, "client-t", 0.7, null);
  }

  @BeforeEach
  void setUp() {
    aggregator = new FakeAggregator();
    tracker = new StatusTracker(ClientStatus.starting("client-t", "http://fake", data.trainSize(), data.testSize(),
        "scalar"));
  }

  private FederatedClient client(Sleeper sleeper) {
    ClientProperties properties = TestShards.properties("client-t", shard, "http://fake");
    return new FederatedClient(aggregator, data, tracker, properties, sleeper);
  }

  /** Runs the worker on this thread with a sleeper that records instead of sleeping. */
  private void runWorker() {
    client(sleeps::add).run();
  }

  private static final TrainingPlan PLAN_FOR_PROX = new TrainingPlan(1, 4, 0.05f, 0.9f, 0f, 7, "default");

  private static GlobalModel model(int round, RunState state) {
    return GlobalModel.of(round, ROUNDS, state, MODEL, PLAN);
  }

  private static List<Integer> rounds(List<? extends FakeAggregator.Call<?>> calls) {
    return calls.stream().map(FakeAggregator.Call::round).toList();
  }

  @Test
  void aClientNotPickedForARoundSitsItOutAndTrainsTheNextWithTheProximalTerm() {
    TrainingPlan prox = new TrainingPlan(1, 4, 0.05f, 0.9f, 0f, 7, "default", 0.5f);
    aggregator
        .serve(GlobalModel.of(0, ROUNDS, RunState.TRAINING, MODEL, prox).withProgress(false, false, false))
        .serve(GlobalModel.of(1, ROUNDS, RunState.TRAINING, MODEL, prox).withProgress(false, false, true))
        .serve(GlobalModel.of(2, ROUNDS, RunState.COMPLETED, MODEL, prox));

    runWorker();

    assertThat(rounds(aggregator.updates)).as("round 1 sat out").containsExactly(2);
    float[] plain = dev.fedlearn.federation.LocalTraining.run(MODEL, data.features(7, 0f).train(),
        PLAN_FOR_PROX.toConfig(), "client-t", 2, null).weights();
    assertThat(aggregator.updates.get(0).body().weights()).as("trained with mu 0.5, not without")
        .isNotEqualTo(plain);
  }

  @Test
  void followsARunEvaluatingEachModelAndSubmittingEachRoundOnce() {
    aggregator
        .serve(model(0, RunState.WAITING_FOR_CLIENTS))
        .serve(model(0, RunState.TRAINING)) // train round 1
        .serve(model(0, RunState.TRAINING)) // the long poll timed out: nothing to do
        .serve(model(1, RunState.TRAINING)) // score 1, train round 2
        .serve(model(1, RunState.TRAINING))
        .serve(model(2, RunState.TRAINING)) // score 2, train round 3
        .serve(model(3, RunState.COMPLETED)); // score 3, done

    runWorker();

    assertThat(aggregator.registrations).hasSize(1);
    assertThat(aggregator.registrations.get(0).clientId()).isEqualTo("client-t");
    assertThat(aggregator.registrations.get(0).trainSamples()).isEqualTo(28);
    assertThat(aggregator.registrations.get(0).testSamples()).isEqualTo(12);
    assertThat(aggregator.polledAfter).containsExactly(-1, -1, 0, 0, 1, 1, 2);
    assertThat(rounds(aggregator.updates)).containsExactly(1, 2, 3);
    assertThat(rounds(aggregator.evaluations)).containsExactly(1, 2, 3);
    FakeAggregator.Call<dev.fedlearn.protocol.ClientUpdate> first = aggregator.updates.get(0);
    assertThat(first.body().clientId()).isEqualTo("client-t");
    assertThat(first.body().numSamples()).isEqualTo(28);
    assertThat(first.body().layerSizes()).containsExactly(784, 8, 10);
    assertThat(first.body().weights()).hasSize(MODEL.params().length).isNotEqualTo(MODEL.params());
    assertThat(first.body().epochs()).as("every local epoch's figures").extracting(ClientUpdate.Epoch::epoch)
        .containsExactly(java.util.stream.IntStream.rangeClosed(1, PLAN.epochs()).boxed().toArray(Integer[]::new));
    ClientUpdate.Epoch last = first.body().epochs().get(first.body().epochs().size() - 1);
    assertThat(last.loss()).as("the last epoch is the update's figures").isEqualTo(first.body().trainLoss());
    assertThat(last.accuracy()).isEqualTo(first.body().trainAccuracy());
    assertThat(aggregator.evaluations.get(0).body().numSamples()).isEqualTo(12);
    assertThat(aggregator.evaluations.get(0).body().accuracy()).isBetween(0.0, 1.0);
    assertThat(sleeps).isEmpty();

    ClientStatus status = tracker.snapshot();
    assertThat(status.state()).isEqualTo(ClientState.DONE);
    assertThat(status.rounds()).isEqualTo(ROUNDS);
    assertThat(status.lastTrainedRound()).isEqualTo(3);
    assertThat(status.lastEvaluatedRound()).isEqualTo(3);
    assertThat(status.lastTrainLoss()).isPositive();
    assertThat(status.lastTestAccuracy()).isBetween(0.0, 1.0);
    assertThat(status.lastError()).isNull();
  }

  @Test
  void onceTheRunCompletedItPersonalizesTheFinalModelKeepsItAndReportsBothScores() throws Exception {
    Path saved = dir.resolve("personal").resolve("client-t.safetensors");
    ClientProperties base = TestShards.properties("client-t", shard, "http://fake");
    ClientProperties properties = new ClientProperties(base.clientId(), base.clientShard(), base.aggregatorUrl(),
        null, 0.7, 1, 30, base.connectTimeout(), base.retry(), true, null, null, base.wireFormat(), base.tls(), false,
        0, 0, "label", new ClientProperties.Personalize(3, saved), 1.0);
    aggregator.serve(model(0, RunState.TRAINING)).serve(model(ROUNDS, RunState.COMPLETED));

    new FederatedClient(aggregator, data, tracker, properties, sleeps::add).run();

    var split = data.features(PLAN.seed(), PLAN);
    dev.fedlearn.federation.Personalization.Result expected = dev.fedlearn.federation.Personalization.fineTune(MODEL,
        split.train(), split.test(), PLAN.toConfig(), 3, "client-t", ROUNDS, 1);
    assertThat(aggregator.personalized).hasSize(1);
    FakeAggregator.Call<dev.fedlearn.protocol.PersonalizedReport> report = aggregator.personalized.get(0);
    assertThat(report.round()).isEqualTo(ROUNDS);
    assertThat(report.body()).isEqualTo(new dev.fedlearn.protocol.PersonalizedReport("client-t", 3,
        split.test().size(), expected.global().accuracy(), expected.personalized().loss(),
        expected.personalized().accuracy()));
    ClientStatus status = tracker.snapshot();
    assertThat(status.state()).isEqualTo(ClientState.DONE);
    assertThat(status.personalized()).isEqualTo(new ClientStatus.Personalized(ROUNDS, 3,
        expected.global().accuracy(), expected.personalized().accuracy(), expected.personalized().loss(),
        saved.toString()));
    GlobalModel kept = dev.fedlearn.protocol.SafeTensors.globalModel(java.nio.file.Files.readAllBytes(saved));
    assertThat(kept.weights()).as("the personalized model, on this site only").containsExactly(
        expected.model().params());
  }

  @Test
  void aPersonalizationThatFailsIsSaidOnceAndTheClientIsDone() {
    ClientProperties base = TestShards.properties("client-t", shard, "http://fake");
    ClientProperties properties = new ClientProperties(base.clientId(), base.clientShard(), base.aggregatorUrl(),
        null, 0.7, 1, 30, base.connectTimeout(), base.retry(), true, null, null, base.wireFormat(), base.tls(), false,
        0, 0, "label", new ClientProperties.Personalize(1, Path.of("/")), 1.0);
    aggregator.serve(model(ROUNDS, RunState.COMPLETED));

    assertThat(new FederatedClient(aggregator, data, tracker, properties, sleeps::add).run()).isTrue();

    assertThat(tracker.snapshot().state()).isEqualTo(ClientState.DONE);
    assertThat(tracker.snapshot().lastError()).contains("personalization: could not write the personalized model "
        + "to /: not a file's path");
    assertThat(aggregator.personalized).as("the scores are still reported").hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void sendsItsUpdateAgainOnceWhenTheAggregatorLostIt() {
    aggregator
        .serve(model(0, RunState.TRAINING)) // train and send round 1
        .serveAfterForgetting(model(0, RunState.TRAINING)) // the aggregator restarted without it
        .serve(model(0, RunState.TRAINING)) // it has it now: nothing more to send
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    assertThat(rounds(aggregator.updates)).containsExactly(1, 1);
    assertThat(aggregator.updates.get(1).body().weights()).containsExactly(aggregator.updates.get(0).body().weights());
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void aRestartedClientDoesNotSendAgainWhatTheAggregatorHas() {
    aggregator
        .serve(model(1, RunState.TRAINING).withProgress(true, true)) // sent round 2 and scored 1 before a restart
        .serve(model(2, RunState.COMPLETED));

    runWorker();

    assertThat(aggregator.updateAttempts).isEmpty();
    assertThat(rounds(aggregator.evaluations)).containsExactly(2);
  }

  @Test
  void doesNotResubmitARoundAfterAConflict() {
    aggregator.failUpdate(rejected(409))
        .serve(model(0, RunState.TRAINING))
        .serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    assertThat(rounds(aggregator.updateAttempts)).containsExactly(1);
    assertThat(aggregator.updates).isEmpty();
    assertThat(aggregator.registrations).hasSize(1);
    assertThat(rounds(aggregator.evaluations)).containsExactly(1);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void aConflictOnAnEvaluationIsFineAndNotRetried() {
    aggregator.failEvaluation(rejected(409))
        .serve(model(1, RunState.TRAINING))
        .serve(model(1, RunState.TRAINING))
        .serve(model(2, RunState.COMPLETED));

    runWorker();

    assertThat(rounds(aggregator.evaluationAttempts)).containsExactly(1, 2);
    assertThat(rounds(aggregator.updates)).containsExactly(2);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void registersAgainAfterUnknownClientAndRetriesOnce() {
    aggregator.failUpdate(rejected(404)).failEvaluation(rejected(404))
        .serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.TRAINING))
        .serve(model(2, RunState.COMPLETED));

    runWorker();

    // the first update and the first score each met a 404: one re-registration each, then one more try
    assertThat(aggregator.registrations).hasSize(3);
    assertThat(rounds(aggregator.updateAttempts)).containsExactly(1, 1, 2);
    assertThat(rounds(aggregator.updates)).containsExactly(1, 2);
    assertThat(rounds(aggregator.evaluationAttempts)).containsExactly(1, 1, 2);
    assertThat(rounds(aggregator.evaluations)).containsExactly(1, 2);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void givesUpOnARoundThatIsStillUnknownAfterRegisteringAgain() {
    aggregator.failUpdate(rejected(404)).failUpdate(rejected(404))
        .serve(model(0, RunState.TRAINING))
        .serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    // Given up after registering again; sent once more when the next model shows the aggregator lacks it.
    assertThat(rounds(aggregator.updateAttempts)).containsExactly(1, 1, 1);
    assertThat(rounds(aggregator.updates)).containsExactly(1);
    assertThat(aggregator.registrations).hasSize(2);
    assertThat(tracker.snapshot().lastError()).contains("404");
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void retriesWithExponentialBackoffWhileTheAggregatorIsUnreachable() {
    for (int i = 0; i < 5; i++) {
      aggregator.failRegister(unreachable());
    }
    aggregator.failUpdate(unreachable()).failEvaluation(unreachable())
        .failFetch(unreachable())
        .serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    Duration s = Duration.ofMillis(500);
    assertThat(sleeps).containsExactly(
        s, s.multipliedBy(2), s.multipliedBy(4), s.multipliedBy(4), s.multipliedBy(4), // register: capped at 2 s
        s, // fetch
        s, // update
        s); // evaluation
    assertThat(aggregator.registrations).hasSize(6);
    assertThat(rounds(aggregator.updateAttempts)).containsExactly(1, 1);
    assertThat(rounds(aggregator.updates)).containsExactly(1);
    assertThat(rounds(aggregator.evaluations)).containsExactly(1);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
    assertThat(tracker.snapshot().lastError()).contains("Connection refused");
  }

  @Test
  void retriesAtTheInitialBackoffWhileNothingListensThenBacksOffAgainOnOtherFailures() {
    for (int i = 0; i < 5; i++) {
      aggregator.failRegister(refused());
    }
    aggregator.failRegister(unreachable()).failRegister(unreachable()).failRegister(refused())
        .serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    Duration s = Duration.ofMillis(500);
    assertThat(sleeps).containsExactly(s, s, s, s, s, // refused: nobody listens yet, so no growth
        s, s.multipliedBy(2), // then failures of another kind back off exponentially
        s); // refused again
    assertThat(aggregator.registrations).hasSize(9);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void stopsWithErrorWhenTheRunFailed() {
    aggregator.serve(model(0, RunState.TRAINING)).serve(model(1, RunState.FAILED));

    runWorker();

    assertThat(rounds(aggregator.updates)).containsExactly(1);
    assertThat(aggregator.evaluations).isEmpty();
    ClientStatus status = tracker.snapshot();
    assertThat(status.state()).isEqualTo(ClientState.ERROR);
    assertThat(status.lastError()).contains("FAILED").contains("NaN weights");
  }

  @Test
  void survivesAModelItCannotUse() {
    GlobalModel wrongShape = GlobalModel.of(1, ROUNDS, RunState.TRAINING,
        Model.initialise(LayerSizes.of(100, 8, 10), Preset.DEFAULT, 7), PLAN);
    aggregator.serve(wrongShape).serve(model(1, RunState.COMPLETED));

    runWorker();

    assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    assertThat(tracker.snapshot().lastError()).contains("inputs");
    assertThat(rounds(aggregator.evaluations)).containsExactly(1);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void startsOverWhenTheAggregatorBeginsANewRun() {
    aggregator.serve(model(0, RunState.TRAINING))
        .serve(model(1, RunState.TRAINING))
        .serveAfterForgetting(model(0, RunState.TRAINING)) // the aggregator restarted as a new run
        .serve(model(1, RunState.COMPLETED));

    runWorker();

    assertThat(rounds(aggregator.updates)).containsExactly(1, 2, 1);
    assertThat(rounds(aggregator.evaluations)).containsExactly(1, 1);
  }

  @Test
  void stopEndsTheWorkerThread() throws Exception {
    FakeAggregator waiting = new FakeAggregator() {
      @Override
      public synchronized GlobalModel fetchModel(int afterRound, int waitSeconds) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw unreachable();
        }
        return model(0, RunState.WAITING_FOR_CLIENTS);
      }
    };
    aggregator = waiting;
    FederatedClient client = client(Sleeper.THREAD);
    client.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> tracker.state() == ClientState.WAITING);
    assertThat(client.isRunning()).isTrue();

    client.stop();

    assertThat(client.isRunning()).isFalse();
    assertThat(waiting.registrations).hasSize(1);
  }

  /** Serving: once a run is over (completed, or failed), the client waits for the next one and takes part in it. */
  @Test
  void theLastRunsPersonalizationLeavesTheStatusWhenTheNextRunStarts() {
    ClientProperties base = TestShards.properties("client-t", shard, "http://fake");
    ClientProperties properties = new ClientProperties(base.clientId(), base.clientShard(), base.aggregatorUrl(),
        null, 0.7, 1, 30, base.connectTimeout(), base.retry(), true, null, null, base.wireFormat(), base.tls(), false,
        0, 0, "label", new ClientProperties.Personalize(1, null), 1.0);
    aggregator
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN)) // run 1 is over: personalized
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN)) // no new run yet
        .serve(GlobalModel.of(0, 3, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN)) // run 2
        .serve(GlobalModel.of(1, 3, RunState.FAILED, MODEL, PLAN)); // run 2 fails before it ends
    List<ClientStatus.Personalized> seen = new ArrayList<>();
    new FederatedClient(aggregator, data, tracker, properties, d -> {
      seen.add(tracker.snapshot().personalized());
      if (seen.size() == 3) {
        throw new InterruptedException("the test stops the worker");
      }
    }).serve();

    assertThat(seen.get(0)).as("run 1's, while the client waits for the next run").isNotNull();
    assertThat(tracker.snapshot().personalized()).as("not run 2's").isNull();
  }

  @Test
  void servingTakesPartInTheNextRunOnceOneIsOver() {
    aggregator
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN)) // run 1: train its round 1
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN)) // score it: run 1 is over
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN)) // no new run yet
        .serve(GlobalModel.of(0, 3, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN)) // run 2
        // (the scripted aggregator remembers rounds, not runs: run 2 is shown from its round 2 on)
        .serve(GlobalModel.of(1, 3, RunState.TRAINING, MODEL, PLAN)) // train its round 2
        .serve(GlobalModel.of(2, 3, RunState.FAILED, MODEL, PLAN)); // run 2 fails: over too
    List<Duration> polls = new ArrayList<>();
    client(d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        polls.add(d);
        if (polls.size() == 3) {
          throw new InterruptedException("the test stops the worker");
        }
      }
    }).serve();

    assertThat(aggregator.registrations).as("once for each run").hasSize(2);
    assertThat(rounds(aggregator.updates)).as("run 1's round 1, run 2's round 2").containsExactly(1, 2);
    assertThat(aggregator.polledAfter).as("run 2 from the start: nothing seen yet").containsSubsequence(-1, 0, -1,
        -1, -1, 1);
    assertThat(polls).as("two polls until run 2, one after it").hasSize(3);
  }

  @Test
  void aStoppedRunIsOverAndTheClientTakesPartInTheNextOne() {
    aggregator.registerInRuns(1, 2)
        .serve(GlobalModel.of(0, 2, RunState.TRAINING, MODEL, PLAN).withRun(1)) // run 1: train its round 1
        .serve(GlobalModel.of(0, 2, RunState.STOPPED, MODEL, PLAN).withRun(1)) // stopped before its round 2
        .serve(GlobalModel.of(0, 2, RunState.STOPPED, MODEL, PLAN).withRun(1)) // no new run yet
        .serveAfterForgetting(GlobalModel.of(0, 1, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN).withRun(2))
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(2)) // run 2: train its round 1
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN).withRun(2));
    List<Duration> polls = new ArrayList<>();
    client(d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        polls.add(d);
        if (polls.size() == 3) {
          throw new InterruptedException("the test stops the worker");
        }
      }
    }).serve();

    assertThat(aggregator.registrations).as("once for each run").hasSize(2);
    assertThat(rounds(aggregator.updates)).as("run 1's round 1, run 2's round 1").containsExactly(1, 1);
    assertThat(polls).as("two polls until run 2, one after it").hasSize(3);
  }

  /** Between two polls the aggregator started another run: the client registers with it and trains it from round 1. */
  @Test
  void aClientThatFindsAnotherRunRegistersWithIt() {
    aggregator.registerInRuns(1, 2)
        .serve(GlobalModel.of(0, 2, RunState.TRAINING, MODEL, PLAN).withRun(1)) // run 1: train its round 1
        .serveAfterForgetting(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(2)) // run 2 already
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(2))
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN).withRun(2));
    client(d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        throw new InterruptedException("the test stops the worker");
      }
    }).serve();

    assertThat(aggregator.registrations).as("once for each run").hasSize(2);
    assertThat(rounds(aggregator.updates)).as("run 1's round 1, run 2's round 1").containsExactly(1, 1);
  }

  /** A run that names other sites: the client sits it out, then registers with the next run and trains it. */
  @Test
  void aClientNotInTheRunSitsItOutAndTakesPartInTheNext() {
    aggregator.failRegister(new AggregatorRejectedException(409, "POST /api/v1/clients answered 409",
            "client-1 is not one of this run's sites [client-2]", dev.fedlearn.protocol.ProblemTypes.NOT_IN_RUN))
        .registerInRuns(2)
        .serve(GlobalModel.of(0, 2, RunState.TRAINING, MODEL, PLAN).withRun(1)) // which run it sits out
        .serve(GlobalModel.of(0, 2, RunState.TRAINING, MODEL, PLAN).withRun(1)) // run 1 still going
        .serve(GlobalModel.of(0, 1, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN).withRun(2)) // run 2
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(2)) // train its round 1
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN).withRun(2));
    List<Duration> polls = new ArrayList<>();
    client(d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        polls.add(d);
        if (polls.size() == 3) {
          throw new InterruptedException("the test stops the worker");
        }
      }
    }).serve();

    assertThat(aggregator.registrations).as("refused by run 1, taken by run 2").hasSize(2);
    assertThat(rounds(aggregator.updates)).as("nothing for run 1, run 2's round 1").containsExactly(1);
    assertThat(polls).as("two polls until run 2, one after it").hasSize(3);
  }

  /**
   * The update of run 1's round 1 reaches an aggregator that has moved on to run 2 (404: it does not know the client):
   * registering again finds run 2, so the update, trained on run 1's model, is dropped, not sent to run 2; the client
   * trains run 2's round 1 on run 2's model.
   */
  @Test
  void anUpdateOfAnEndedRunIsNotSentToTheNextOne() {
    aggregator.registerInRuns(1, 2).failUpdate(FakeAggregator.rejected(404))
        .serve(GlobalModel.of(0, 2, RunState.TRAINING, MODEL, PLAN).withRun(1)) // run 1: train its round 1
        .serveAfterForgetting(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(2)) // run 2: its round 1
        .serve(GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN).withRun(2));
    client(d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        throw new InterruptedException("the test stops the worker");
      }
    }).serve();

    assertThat(aggregator.registrations).as("run 1, then run 2 on the refused update").hasSize(2);
    assertThat(aggregator.updateAttempts).as("run 1's update once, then run 2's").hasSize(2);
    assertThat(rounds(aggregator.updates)).as("only run 2's update is taken").containsExactly(1);
  }

  /** A completed run of one round, as the aggregator serves it to this client at a step of its cross-site evaluation. */
  private static GlobalModel crossSite(dev.fedlearn.protocol.CrossSiteStep step) {
    return GlobalModel.of(1, 1, RunState.COMPLETED, MODEL, PLAN).withRun(1).withCrossSite(step);
  }

  /** Stops the worker at its {@code polls}-th poll for the next run. */
  private Sleeper stopAtPoll(int polls) {
    List<Duration> seen = new ArrayList<>();
    return d -> {
      if (d.equals(FederatedClient.NEXT_RUN_POLL)) {
        seen.add(d);
        if (seen.size() == polls) {
          throw new InterruptedException("the test stops the worker");
        }
      }
    };
  }

  private static final float[] OTHER = MODEL.params().clone();

  static {
    java.util.Arrays.fill(OTHER, 0.01f);
  }

  /**
   * FL_CROSS_SITE: the completed run asks for its cross-site evaluation. The client uploads the weights it last
   * trained at once, waits while the others upload, then fetches the models, scores each on its test split and posts
   * its row once; then it takes part in the next run.
   */
  @Test
  void aCompletedRunsCrossSiteEvaluationTakesTheLastLocalModelThenTheClientsRow() {
    aggregator.registerInRuns(1, 2)
        .crossSiteModels(new dev.fedlearn.protocol.CrossSiteModels(1, MODEL.sizes().toArray(), List.of(
            new dev.fedlearn.protocol.CrossSiteModels.Entry("global", MODEL.params()),
            new dev.fedlearn.protocol.CrossSiteModels.Entry("client-s", OTHER))))
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(1)) // train round 1
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.UPLOAD)) // completed: upload at once
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.WAIT)) // the others upload
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.SCORE)) // score
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.SCORE)) // the row is on its way: not sent twice
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.DONE))
        .serve(GlobalModel.of(0, 1, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN).withRun(2)) // the next run
        .serve(GlobalModel.of(0, 1, RunState.STOPPED, MODEL, PLAN).withRun(2));
    client(stopAtPoll(6)).serve();

    assertThat(aggregator.localModels).hasSize(1);
    assertThat(aggregator.localModels.get(0)).as("the update of its last round, weights and all")
        .isEqualTo(aggregator.updates.get(0).body());
    var test = data.features(PLAN.seed(), PLAN).test();
    assertThat(aggregator.crossSiteFetches).hasSize(1);
    assertThat(aggregator.crossSiteScores).containsExactly(new dev.fedlearn.protocol.CrossSiteScores("client-t",
        test.size(), List.of(dev.fedlearn.engine.nn.Evaluator.evaluate(MODEL, test, 1).accuracy(),
            dev.fedlearn.engine.nn.Evaluator.evaluate(new Model(MODEL.sizes(), OTHER), test, 1).accuracy()), 1));
    assertThat(aggregator.registrations).as("then the next run").hasSize(2);
    assertThat(tracker.snapshot().lastError()).isNull();
  }

  /** A client that restarted after its run has no local model: it uploads none, but scores the others'. */
  @Test
  void aClientWithoutItsLocalModelUploadsNoneButScores() {
    aggregator.registerInRuns(1)
        .crossSiteModels(new dev.fedlearn.protocol.CrossSiteModels(1, MODEL.sizes().toArray(), List.of(
            new dev.fedlearn.protocol.CrossSiteModels.Entry("global", MODEL.params()))))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.UPLOAD))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.UPLOAD))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.SCORE));
    client(stopAtPoll(3)).serve();

    assertThat(aggregator.localModels).isEmpty();
    assertThat(aggregator.crossSiteScores).hasSize(1);
    assertThat(aggregator.crossSiteScores.get(0).accuracy()).hasSize(1);
  }

  /** Refused steps are said and never tried again: the client goes on to the next run. */
  @Test
  void aRefusedCrossSiteStepIsNotTriedAgain() {
    aggregator.registerInRuns(1, 2)
        .failCrossSite(FakeAggregator.rejected(400)) // the upload
        .failCrossSite(FakeAggregator.rejected(409)) // the fetch of the models
        .serve(GlobalModel.of(0, 1, RunState.TRAINING, MODEL, PLAN).withRun(1))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.UPLOAD))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.UPLOAD))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.SCORE))
        .serve(crossSite(dev.fedlearn.protocol.CrossSiteStep.SCORE))
        .serve(GlobalModel.of(0, 1, RunState.WAITING_FOR_CLIENTS, MODEL, PLAN).withRun(2))
        .serve(GlobalModel.of(0, 1, RunState.STOPPED, MODEL, PLAN).withRun(2));
    client(stopAtPoll(5)).serve();

    assertThat(aggregator.localModels).isEmpty();
    assertThat(aggregator.crossSiteFetches).as("once").hasSize(1);
    assertThat(aggregator.crossSiteScores).isEmpty();
    assertThat(aggregator.registrations).as("then the next run").hasSize(2);
    assertThat(tracker.snapshot().lastError()).contains("400");
  }
}
