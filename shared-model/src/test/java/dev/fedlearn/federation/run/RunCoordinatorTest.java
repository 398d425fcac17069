package dev.fedlearn.federation.run;

import static dev.fedlearn.federation.run.TestRuns.evaluation;
import static dev.fedlearn.federation.run.TestRuns.registration;
import static dev.fedlearn.federation.run.TestRuns.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal.Kind;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RunCoordinatorTest {
  private static void refused(Kind kind, String text, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(Refusal.class).hasMessageContaining(text)
        .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(kind));
  }

  @Test
  void roundOneOpensOnlyWhenEveryExpectedClientHasRegistered() {
    RunCoordinator run = TestRuns.run(2, 2);
    assertThat(run.status().state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);
    run.register(registration("a"));
    refused(Kind.CONFLICT, "round 1 is not open", () -> run.submitUpdate(1, update("a", 10, 1)));
    RunStatus again = run.register(registration("a"));
    assertThat(again.registeredClients()).as("registering again is harmless").isEqualTo(1);
    RunStatus s = run.register(registration("b"));
    assertThat(s.state()).isEqualTo(RunState.TRAINING);
    assertThat(s.round()).isZero();
    assertThat(s.updatesExpected()).isEqualTo(2);
    refused(Kind.CONFLICT, "already has its 2 clients", () -> run.register(registration("c")));
  }

  @Test
  void aggregationWaitsForAllClientsAndWeighsBySamples() {
    RunCoordinator run = TestRuns.run(2, 2);
    run.register(registration("a"));
    run.register(registration("b"));
    RunStatus s = run.submitUpdate(1, update("a", 30, 1f));
    assertThat(s.round()).as("one of two updates: still round 1").isZero();
    assertThat(s.updatesReceived()).isEqualTo(1);
    assertThat(s.message()).contains("[b]");
    s = run.submitUpdate(1, update("b", 10, 5f));
    assertThat(s.round()).isEqualTo(1);
    assertThat(s.updatesReceived()).isZero();
    assertThat(run.globalModel().params()[0]).isEqualTo(2f); // (30*1 + 10*5) / 40
    assertThat(s.latest().globalTestAccuracy()).isCloseTo(2.0, offset(1e-9));
    RoundView r1 = run.round(1);
    assertThat(r1.state()).isEqualTo(RoundView.Status.COMPLETED);
    assertThat(r1.participants()).containsExactly("a", "b");
    assertThat(r1.training()).extracting(RoundView.ClientTraining::numSamples).containsExactly(30L, 10L);
    assertThat(run.round(2).state()).isEqualTo(RoundView.Status.OPEN);
  }

  @Test
  void updatesForRoundsThatAreNotOpenAreRefused() {
    RunCoordinator run = TestRuns.run(3, 1);
    run.register(registration("a"));
    refused(Kind.CONFLICT, "round 2 is not open; the open round is 1", () -> run.submitUpdate(2, update("a", 1, 1)));
    refused(Kind.CONFLICT, "round 0 is not open", () -> run.submitUpdate(0, update("a", 1, 1)));
    run.submitUpdate(1, update("a", 1, 1));
    refused(Kind.CONFLICT, "round 1 is not open; the open round is 2", () -> run.submitUpdate(1, update("a", 1, 1)));
  }

  @Test
  void duplicatesAndUnknownClientsAreRefusedWithoutChangingTheRound() {
    RunCoordinator run = TestRuns.run(1, 2);
    run.register(registration("a"));
    run.register(registration("b"));
    run.submitUpdate(1, update("a", 10, 1));
    refused(Kind.CONFLICT, "already sent its update for round 1", () -> run.submitUpdate(1, update("a", 10, 9)));
    refused(Kind.UNKNOWN, "client z is not registered", () -> run.submitUpdate(1, update("z", 10, 9)));
    assertThat(run.status().updatesReceived()).isEqualTo(1);
    run.submitUpdate(1, update("b", 10, 3));
    assertThat(run.globalModel().params()[0]).isEqualTo(2f);
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
  }

  @Test
  void badWeightsAreRefusedBeforeTheyTouchTheModel() {
    RunCoordinator run = TestRuns.run(1, 1);
    run.register(registration("a"));
    int[] shape = TestRuns.SIZES.toArray();
    refused(Kind.INVALID, "weights must hold 6 numbers, got 2",
        () -> run.submitUpdate(1, new ClientUpdate("a", 10, shape, new float[2], 0, 0)));
    refused(Kind.INVALID, "is NaN",
        () -> run.submitUpdate(1, new ClientUpdate("a", 10, shape, new float[] {0, 0, Float.NaN, 0, 0, 0}, 0, 0)));
    refused(Kind.INVALID, "Infinity", () -> run.submitUpdate(1,
        new ClientUpdate("a", 10, shape, new float[] {0, 0, 0, 0, 0, Float.POSITIVE_INFINITY}, 0, 0)));
    refused(Kind.INVALID, "layerSizes must be 2,2",
        () -> run.submitUpdate(1, new ClientUpdate("a", 10, new int[] {3, 2}, new float[8], 0, 0)));
    refused(Kind.INVALID, "numSamples must be between 1 and the 100",
        () -> run.submitUpdate(1, update("a", 0, 1)));
    refused(Kind.INVALID, "numSamples must be between 1 and the 100",
        () -> run.submitUpdate(1, update("a", 101, 1)));
    refused(Kind.INVALID, "trainAccuracy", () -> run.submitUpdate(1,
        new ClientUpdate("a", 10, shape, new float[6], 0, 1.5)));
    assertThat(run.status().updatesReceived()).isZero();
    assertThat(run.globalModel().params()[0]).isEqualTo(0.1f);
  }

  @Test
  void evaluationsNeedAnExistingRoundAndCountOnce() {
    RunCoordinator run = TestRuns.run(2, 1);
    run.register(registration("a"));
    refused(Kind.UNKNOWN, "round 1 has no global model yet", () -> run.submitEvaluation(1, evaluation("a")));
    run.submitUpdate(1, update("a", 10, 1));
    refused(Kind.INVALID, "accuracy in [0, 1]",
        () -> run.submitEvaluation(1, new EvaluationReport("a", 5, 0.1, 2)));
    run.submitEvaluation(1, evaluation("a"));
    refused(Kind.CONFLICT, "already scored", () -> run.submitEvaluation(1, evaluation("a")));
    refused(Kind.UNKNOWN, "round 2 has no global model", () -> run.submitEvaluation(2, evaluation("a")));
    refused(Kind.UNKNOWN, "round 0", () -> run.submitEvaluation(0, evaluation("a")));
    refused(Kind.UNKNOWN, "not registered", () -> run.submitEvaluation(1, evaluation("x")));
    assertThat(run.round(1).evaluations()).extracting(RoundView.Evaluation::accuracy).containsExactly(0.9);
    assertThat(run.round(1).meanClientTestAccuracy()).isEqualTo(0.9);
  }

  @Test
  void badRegistrationsAreRefused() {
    RunCoordinator run = TestRuns.run(1, 1);
    refused(Kind.INVALID, "clientId is required", () -> run.register(new ClientRegistration(" ", 1, 1)));
    refused(Kind.INVALID, "letters, digits", () -> run.register(new ClientRegistration("a/b", 1, 1)));
    refused(Kind.INVALID, "trainSamples must be positive",
        () -> run.register(new ClientRegistration("a", 0, 1)));
  }

  @Test
  void theRunCompletesAfterItsRoundsAndTakesNoMoreUpdates() {
    RunCoordinator run = TestRuns.run(2, 1);
    run.register(registration("a"));
    run.submitUpdate(1, update("a", 10, 1));
    run.submitUpdate(2, update("a", 10, 2));
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(run.status().round()).isEqualTo(2);
    assertThat(run.rounds()).hasSize(2);
    refused(Kind.CONFLICT, "the run is COMPLETED", () -> run.submitUpdate(3, update("a", 10, 2)));
    refused(Kind.CONFLICT, "no new clients", () -> run.register(registration("late")));
    refused(Kind.UNKNOWN, "round 3 has not started", () -> run.round(3));
  }

  @Test
  void longPollReturnsWhenANewModelExistsOrTheWaitRunsOut() throws Exception {
    RunCoordinator run = TestRuns.run(2, 1);
    long start = System.nanoTime();
    GlobalModel waiting = run.awaitModel(-1, Duration.ofMillis(200)).join();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
    assertThat(waiting.state()).isEqualTo(RunState.WAITING_FOR_CLIENTS);

    CompletableFuture<GlobalModel> first = run.awaitModel(-1, Duration.ofSeconds(10));
    assertThat(first).isNotDone();
    run.register(registration("a"));
    GlobalModel m0 = first.get(5, TimeUnit.SECONDS);
    assertThat(m0.round()).isZero();
    assertThat(m0.state()).isEqualTo(RunState.TRAINING);
    assertThat(m0.plan().epochs()).isEqualTo(1);

    CompletableFuture<GlobalModel> next = run.awaitModel(0, Duration.ofSeconds(10));
    assertThat(next).isNotDone();
    run.submitUpdate(1, update("a", 10, 4));
    GlobalModel m1 = next.get(5, TimeUnit.SECONDS);
    assertThat(m1.round()).isEqualTo(1);
    assertThat(m1.weights()[0]).isEqualTo(4f);
  }

  @Test
  void aSampledRoundWaitsOnlyForThePickedClients() throws Exception {
    RunCoordinator run = TestRuns.run(RunRules.of(2, 4), java.time.Clock.systemUTC(), RunStore.NONE,
        dev.fedlearn.federation.strategy.Strategies.create("fedavgm", "serverMomentum=0.5"), new dev.fedlearn.federation.ClientSampler(0.5, 1));
    assertThat(run.status().strategy()).isEqualTo(new dev.fedlearn.protocol.RunStatus.StrategyInfo("fedavgm",
        java.util.Map.of("serverLearningRate", "1.0", "serverMomentum", "0.5"), 0.5, 1));
    assertThat(run.status().picked()).as("no round open yet").isEmpty();
    for (String id : java.util.List.of("a", "b", "c", "d")) {
      run.register(registration(id));
    }
    java.util.List<String> picked = run.round(1).selected();
    assertThat(picked).hasSize(2);
    assertThat(run.status().updatesExpected()).isEqualTo(2);
    assertThat(run.status().picked()).isEqualTo(picked);
    String left = java.util.stream.Stream.of("a", "b", "c", "d").filter(id -> !picked.contains(id)).findFirst()
        .orElseThrow();
    assertThat(run.awaitModel(-1, Duration.ZERO, left).join().picked()).isFalse();
    assertThat(run.awaitModel(-1, Duration.ZERO, picked.get(0)).join().picked()).isTrue();
    refused(Kind.CONFLICT, "is not picked for round 1", () -> run.submitUpdate(1, update(left, 10, 1)));
    run.submitUpdate(1, update(picked.get(0), 10, 1));
    run.submitUpdate(1, update(picked.get(1), 10, 3));
    assertThat(run.status().round()).as("closed with the picked two, no deadline needed").isEqualTo(1);
    assertThat(run.round(1).participants()).containsExactlyElementsOf(picked);
    assertThat(TestRuns.run(RunRules.of(2, 4), java.time.Clock.systemUTC(), RunStore.NONE,
        new dev.fedlearn.federation.strategy.FedAvg(), new dev.fedlearn.federation.ClientSampler(0.5, 1))).satisfies(same -> {
          for (String id : java.util.List.of("d", "c", "b", "a")) {
            same.register(registration(id));
          }
          assertThat(same.round(1).selected()).as("the same seed picks the same clients").isEqualTo(picked);
        });
  }

  /** Every strategy the services offer closes a round through the coordinator; FedProx's mu reaches the plan. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("dev.fedlearn.federation.strategy.Strategies#ids")
  void everyStrategyClosesARound(String id) throws Exception {
    RunCoordinator run = TestRuns.run(RunRules.of(2, 3), java.time.Clock.systemUTC(), RunStore.NONE,
        dev.fedlearn.federation.strategy.Strategies.create(id, ""), dev.fedlearn.federation.ClientSampler.ALL);
    for (String c : java.util.List.of("a", "b", "c")) {
      run.register(registration(c));
    }
    assertThat(run.awaitModel(-1, Duration.ZERO, "a").join().plan().mu())
        .isEqualTo(id.equals("fedprox") ? 0.01f : 0f);
    run.submitUpdate(1, update("a", 10, 1));
    run.submitUpdate(1, update("b", 20, 2));
    run.submitUpdate(1, update("c", 30, 3));
    assertThat(run.status().round()).isEqualTo(1);
    assertThat(run.status().strategy().name()).isEqualTo(id);
    float first = run.awaitModel(0, Duration.ZERO, "a").join().weights()[0];
    assertThat(first).as("%s moved the first weight from 0.1 towards the clients' 1..3", id).isGreaterThan(0.1f)
        .isLessThanOrEqualTo(3f);
  }

  /** Behind DP-FedAvg: clipped changes, and the privacy spent after each round in the status and the workbook. */
  @Test
  void differentialPrivacyClipsAndReportsEpsilonAfterEveryRound() {
    RunCoordinator run = TestRuns.run(RunRules.of(3, 2), java.time.Clock.systemUTC(), RunStore.NONE,
        new dev.fedlearn.federation.strategy.FedAvg(), new dev.fedlearn.federation.ClientSampler(0.5, 1),
        new dev.fedlearn.federation.privacy.DifferentialPrivacy.Settings(0.5, 1.0, 1e-5),
        round -> new java.util.SplittableRandom(7));
    run.register(registration("a"));
    run.register(registration("b"));
    dev.fedlearn.protocol.RunStatus.Privacy before = run.status().privacy();
    assertThat(before.sampling()).as("no amplification: the picks are public").isEqualTo(1.0);
    assertThat(before.epsilon()).as("no round yet").isZero();
    assertThat(run.status().strategy().parameters()).containsEntry("dpClip", "0.5");
    double[] spent = new double[4];
    java.util.Map<String, Integer> rounds = new java.util.HashMap<>();
    for (int r = 1; r <= 3; r++) {
      String picked = run.status().picked().get(0);
      rounds.merge(picked, 1, Integer::sum);
      run.submitUpdate(r, update(picked, 10, 100f)); // a change of norm ~100, clipped to 0.5
      spent[r] = run.status().privacy().epsilon();
      int busiest = java.util.Collections.max(rounds.values());
      assertThat(spent[r]).as("the most-exposed client's %d rounds, each a Gaussian mechanism (q = 1)", busiest)
          .isEqualTo(new dev.fedlearn.federation.privacy.RdpAccountant(1.0, 1.0).spent(busiest, 1e-5).epsilon())
          .isGreaterThanOrEqualTo(spent[r - 1]);
    }
    assertThat(run.snapshot().privacy().apply(2).epsilon()).isEqualTo(spent[2]);
  }

  /** However long the run, the coordinator keeps a bounded number of global models in memory. */
  @Test
  void aThousandRoundsKeepAtMostTwentyOneModels() {
    RunCoordinator run = TestRuns.run(1000, 1);
    run.register(registration("a"));
    for (int r = 1; r <= 1000; r++) {
      run.submitUpdate(r, update("a", 10, r % 5));
      if (r == 500) {
        assertThat(run.snapshot().modelHistory()).hasSizeLessThanOrEqualTo(dev.fedlearn.federation.ModelRetention.MAX)
            .containsKey(500);
      }
    }
    var kept = run.snapshot().modelHistory();
    assertThat(kept).hasSizeLessThanOrEqualTo(dev.fedlearn.federation.ModelRetention.MAX).containsKeys(0, 53, 954, 1000);
    assertThat(kept.get(1000)).isEqualTo(run.globalModel().params());
  }

  /** A run kept nowhere (fl simulate's) scores its initial model only when its score is asked for, and once. */
  @Test
  void aRunKeptNowhereScoresItsInitialModelOnlyWhenAsked() {
    java.util.concurrent.atomic.AtomicInteger scored = new java.util.concurrent.atomic.AtomicInteger();
    RunRules rules = RunRules.of(1, 1);
    RunCoordinator run = new RunCoordinator(rules, TestRuns.definition(rules,
        new dev.fedlearn.federation.strategy.FedAvg(), dev.fedlearn.federation.ClientSampler.ALL, null),
        new dev.fedlearn.engine.nn.Model(TestRuns.SIZES, new float[] {0.25f, 0, 0, 0, 0, 0}), round -> null, m -> {
          scored.incrementAndGet();
          return new dev.fedlearn.engine.nn.Evaluation(10, 1 - m.params()[0], m.params()[0]);
        }, java.time.Clock.systemUTC(), RunStore.NONE, Duration.ofSeconds(30));
    assertThat(scored).as("not at the start").hasValue(0);
    assertThat(run.status().latest().globalTestAccuracy()).isEqualTo(0.25);
    assertThat(run.status().latest().globalTestAccuracy()).isEqualTo(0.25);
    assertThat(scored).as("once, when asked").hasValue(1);
  }

  /**
   * A run takes only its named sites, no more clients than it needs, and none once it is over; each such refusal says
   * the client sits the run out (its problem type), so the client waits for the next run instead of asking again.
   */
  @Test
  void aRunRefusesClientsItHasNoPlaceForSoThatTheySitItOut() {
    RunRules rules = RunRules.of(1, 2);
    RunCoordinator named = new RunCoordinator(rules, TestRuns.definition(rules, new dev.fedlearn.federation.strategy
        .FedAvg(), dev.fedlearn.federation.ClientSampler.ALL, null).onSites(java.util.List.of("a", "b")),
        new dev.fedlearn.engine.nn.Model(TestRuns.SIZES, new float[6]), round -> null,
        m -> new dev.fedlearn.engine.nn.Evaluation(10, 1, 0), java.time.Clock.systemUTC(), RunStore.NONE,
        Duration.ofSeconds(30));
    assertThatThrownBy(() -> named.register(registration("c"))).isInstanceOfSatisfying(Refusal.class, r -> {
      assertThat(r.type()).isEqualTo(dev.fedlearn.protocol.ProblemTypes.NOT_IN_RUN);
      assertThat(r.getMessage()).contains("client c is not one of this run's sites [a, b]");
    });
    named.register(registration("a"));
    assertThat(named.status().registeredClients()).isEqualTo(1);

    RunCoordinator full = TestRuns.run(1, 1);
    full.register(registration("a"));
    assertThatThrownBy(() -> full.register(registration("b"))).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.type()).isEqualTo(dev.fedlearn.protocol.ProblemTypes.NOT_IN_RUN));

    RunCoordinator stopped = TestRuns.run(1, 2);
    assertThat(stopped.stop("enough")).isTrue();
    assertThat(stopped.stop("again")).as("stopped once").isFalse();
    assertThatThrownBy(() -> stopped.register(registration("a"))).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.getMessage()).contains("the run is STOPPED"));
    assertThat(stopped.awaitModel(-1, Duration.ZERO).join().state()).isEqualTo(RunState.STOPPED);
    RunCoordinator polled = TestRuns.run(2, 1);
    polled.register(registration("a"));
    CompletableFuture<GlobalModel> held = polled.awaitModel(0, Duration.ofMinutes(5));
    assertThat(held).as("round 1 trains: nothing new yet").isNotDone();
    polled.stop("enough");
    assertThat(held).as("a stop is news to a held poll").succeedsWithin(Duration.ofSeconds(10))
        .extracting(GlobalModel::state).isEqualTo(RunState.STOPPED);
  }
}
