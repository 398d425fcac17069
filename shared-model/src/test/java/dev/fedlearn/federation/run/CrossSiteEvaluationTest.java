package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.CrossSiteMatrix;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.CrossSiteStep;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A completed run's cross-site evaluation: asked for at the end (FL_CROSS_SITE) or on request, never in a private
 * run; the clients' local models collected (checked as updates, once each), then their rows (one accuracy per model,
 * once each), each step closing when everyone is in or at its deadline; the matrix over the sites.
 */
class CrossSiteEvaluationTest {
  static final Duration TIMEOUT = RunRules.DEFAULT_ROUND_TIMEOUT;

  /** A one-round run of clients a and b that completes, asking for its cross-site evaluation or not. */
  static RunCoordinator completed(boolean crossSite, Clock clock) {
    RunCoordinator run = TestRuns.run(RunRules.of(1, 2).withCrossSite(crossSite), clock);
    run.register(TestRuns.registration("a"));
    run.register(TestRuns.registration("b"));
    run.submitUpdate(1, TestRuns.update("a", 10, 0.5f));
    run.submitUpdate(1, TestRuns.update("b", 10, 0.7f));
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    return run;
  }

  static CrossSiteStep step(RunCoordinator run, String clientId) {
    return run.awaitModel(-1, Duration.ZERO, clientId).join().crossSite();
  }

  static ClientUpdate local(String id, float first) {
    return new ClientUpdate(id, 10, TestRuns.SIZES.toArray(), new float[] {first, 1, 1, 1, 1, 1}, 0.4, 0.9);
  }

  static CrossSiteScores row(String id, Double... accuracy) {
    return new CrossSiteScores(id, 10, Arrays.asList(accuracy), null);
  }

  @Test
  void atTheEndOfTheRunItCollectsTheLocalModelsThenEveryClientsRow() {
    RunCoordinator run = completed(true, Clock.systemUTC());
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    run.events().subscribe(e -> events.add(e.type()));
    CrossSiteEvaluation x = run.crossSite();
    assertThat(run.awaitModel(-1, Duration.ZERO).join().crossSite()).as("an unnamed caller: the evaluation's step")
        .isEqualTo(CrossSiteStep.UPLOAD);
    assertThat(step(run, "a")).isEqualTo(CrossSiteStep.UPLOAD);
    assertThat(run.settled(java.time.Instant.now().plus(Duration.ofDays(1)))).as("the next run waits for it")
        .isFalse();
    assertThatThrownBy(() -> x.models("a")).isInstanceOf(Refusal.class)
        .hasMessageContaining("collects the clients' local models");

    x.upload(local("b", 0.2f));
    assertThat(step(run, "b")).isEqualTo(CrossSiteStep.WAIT);
    assertThat(step(run, "a")).isEqualTo(CrossSiteStep.UPLOAD);
    assertThat(x.matrix().state()).isEqualTo(CrossSiteMatrix.State.COLLECTING);
    x.upload(local("a", 0.1f));
    assertThat(step(run, "a")).as("every model is in: the scoring begins").isEqualTo(CrossSiteStep.SCORE);

    CrossSiteModels models = x.models("b");
    assertThat(models.names()).containsExactly("global", "a", "b");
    assertThat(models.layerSizes()).containsExactly(2, 2);
    assertThat(models.models().get(0).weights()).containsExactly(run.globalModel().params());
    assertThat(models.models().get(1).weights()).containsExactly(0.1f, 1, 1, 1, 1, 1);

    x.score(row("b", 0.5, 0.3, 0.9));
    assertThat(step(run, "b")).isEqualTo(CrossSiteStep.DONE);
    assertThat(step(run, "a")).isEqualTo(CrossSiteStep.SCORE);
    x.score(row("a", 0.6, 0.8, 0.1));
    CrossSiteMatrix m = x.matrix();
    assertThat(m.state()).isEqualTo(CrossSiteMatrix.State.DONE);
    assertThat(m.models()).containsExactly("global", "a", "b");
    assertThat(m.rows()).containsExactly(new CrossSiteMatrix.Row("a", 10L, List.of(0.6, 0.8, 0.1)),
        new CrossSiteMatrix.Row("b", 10L, List.of(0.5, 0.3, 0.9)));
    assertThat(run.snapshot().crossSite()).isEqualTo(m);
    assertThat(step(run, "a")).isEqualTo(CrossSiteStep.DONE);
    assertThat(run.settled(java.time.Instant.now().plus(Duration.ofDays(1)))).isTrue();
    assertThatThrownBy(() -> x.models("a")).isInstanceOf(Refusal.class).hasMessageContaining("was done at");
    assertThat(events).as("the uploads, the scoring, the rows, done").hasSize(6).containsOnly("cross-site");
  }

  @Test
  void onRequestOnceTheRunCompletedAndOnlyOnce() {
    RunCoordinator early = TestRuns.run(1, 2);
    early.register(TestRuns.registration("a"));
    assertThatThrownBy(() -> early.crossSite().request()).isInstanceOf(Refusal.class)
        .hasMessageContaining("the run is WAITING_FOR_CLIENTS");

    RunCoordinator run = completed(false, Clock.systemUTC());
    assertThat(step(run, "a")).as("none asked for").isNull();
    assertThat(run.crossSite().matrix()).isEqualTo(CrossSiteMatrix.none(null));
    assertThatThrownBy(() -> run.crossSite().upload(local("a", 0.1f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("no cross-site evaluation was asked for");
    GlobalModel before = run.awaitModel(-1, Duration.ZERO).join();

    CrossSiteMatrix asked = run.crossSite().request();
    assertThat(asked.state()).isEqualTo(CrossSiteMatrix.State.COLLECTING);
    assertThat(asked.models()).containsExactly("global", "a", "b");
    assertThat(asked.rows()).extracting(CrossSiteMatrix.Row::testSamples).containsOnlyNulls();
    assertThat(step(run, "a")).isEqualTo(CrossSiteStep.UPLOAD);
    assertThat(run.awaitModel(-1, Duration.ZERO).join()).as("the board shows it").isEqualTo(
        before.withCrossSite(CrossSiteStep.UPLOAD));
    Refusal again = org.assertj.core.api.Assertions.catchThrowableOfType(Refusal.class,
        () -> run.crossSite().request());
    assertThat(again.kind()).isEqualTo(Refusal.Kind.CONFLICT);
    assertThat(again.getMessage()).contains("was asked for at").contains("COLLECTING");
  }

  @Test
  void aPrivateRunHasNone() {
    RunCoordinator run = TestRuns.run(RunRules.of(1, 2).withCrossSite(true), Clock.systemUTC(), RunStore.NONE,
        new FedAvg(), ClientSampler.ALL, new DifferentialPrivacy.Settings(1, 0, 1e-5),
        round -> new java.util.SplittableRandom(1));
    run.register(TestRuns.registration("a"));
    run.register(TestRuns.registration("b"));
    run.submitUpdate(1, TestRuns.update("a", 10, 0.5f));
    run.submitUpdate(1, TestRuns.update("b", 10, 0.7f));
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    assertThat(step(run, "a")).as("FL_CROSS_SITE asks for none in a private run").isNull();
    Refusal refused = org.assertj.core.api.Assertions.catchThrowableOfType(Refusal.class,
        () -> run.crossSite().request());
    assertThat(refused.kind()).isEqualTo(Refusal.Kind.CONFLICT);
    assertThat(refused.getMessage()).isEqualTo(CrossSiteEvaluation.PRIVATE + ": this run has differential privacy");
    assertThatThrownBy(() -> run.crossSite().upload(local("a", 0.1f))).isInstanceOf(Refusal.class)
        .hasMessage(CrossSiteEvaluation.PRIVATE);
  }

  @Test
  void aLocalModelIsCheckedAsAnUpdateAndTakenOnceFromARegisteredClient() {
    RunCoordinator run = completed(true, Clock.systemUTC());
    CrossSiteEvaluation x = run.crossSite();
    assertThatThrownBy(() -> x.upload(new ClientUpdate("a", 10, new int[] {2, 3}, new float[9], 0.4, 0.9)))
        .isInstanceOf(Refusal.class).hasMessageContaining("layerSizes must be");
    assertThatThrownBy(() -> x.upload(new ClientUpdate("a", 10, TestRuns.SIZES.toArray(), new float[5], 0.4, 0.9)))
        .isInstanceOf(Refusal.class).hasMessageContaining("weights must hold 6 numbers");
    assertThatThrownBy(() -> x.upload(local("a", Float.NaN))).isInstanceOf(Refusal.class)
        .hasMessageContaining("weights must be finite");
    assertThatThrownBy(() -> x.upload(local("a", 1e5f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("above the bound");
    assertThatThrownBy(() -> x.upload(local("stranger", 0.1f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("not registered");
    assertThatThrownBy(() -> x.upload(null)).isInstanceOf(Refusal.class).hasMessageContaining("clientId is required");
    x.upload(local("a", 0.1f));
    Refusal twice = org.assertj.core.api.Assertions.catchThrowableOfType(Refusal.class, () -> x.upload(local("a",
        0.3f)));
    assertThat(twice.kind()).isEqualTo(Refusal.Kind.CONFLICT);
    assertThat(twice.getMessage()).contains("already uploaded");
    assertThat(x.matrix().state()).isEqualTo(CrossSiteMatrix.State.COLLECTING);
  }

  @Test
  void aRowHasOneShareOfItsSamplesPerModelAndIsTakenOnce() {
    RunCoordinator run = completed(true, Clock.systemUTC());
    CrossSiteEvaluation x = run.crossSite();
    assertThatThrownBy(() -> x.score(row("a", 0.5, 0.5, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("collects the clients' local models");
    x.upload(local("a", 0.1f));
    x.upload(local("b", 0.2f));
    assertThatThrownBy(() -> x.score(row("a", 0.5, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("one accuracy per model").hasMessageContaining("3 [global, a, b], got 2");
    assertThatThrownBy(() -> x.score(row("a", 0.5, 0.5, 0.5, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("got 4");
    assertThatThrownBy(() -> x.score(row("a", 0.5, 1.1, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("accuracy[1] (model a) must be a share of the 10 samples");
    assertThatThrownBy(() -> x.score(row("a", 0.5, -0.1, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("accuracy[1]");
    assertThatThrownBy(() -> x.score(row("a", 0.5, 0.55, 0.5))).as("no count of 10 samples")
        .isInstanceOf(Refusal.class).hasMessageContaining("accuracy[1]");
    assertThatThrownBy(() -> x.score(row("a", 0.5, null, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("got null");
    assertThatThrownBy(() -> x.score(new CrossSiteScores("a", 31, List.of(0.0, 0.0, 0.0), null)))
        .isInstanceOf(Refusal.class).hasMessageContaining("the 30 test samples client a registered");
    assertThatThrownBy(() -> x.score(row("stranger", 0.5, 0.5, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("not registered");
    x.score(row("a", 0.5, 0.5, 0.5));
    assertThatThrownBy(() -> x.score(row("a", 0.6, 0.6, 0.6))).isInstanceOf(Refusal.class)
        .hasMessageContaining("already posted");
    assertThat(x.matrix().rows().get(0).accuracy()).containsExactly(0.5, 0.5, 0.5);
  }

  /**
   * Each step goes on at its deadline with what came: b never uploads (it restarted and kept no model), so its column
   * stays empty, but it scores; a never scores, so its row stays empty; the evaluation is then done.
   */
  @Test
  void eachStepGoesOnAtItsDeadlineWithWhatCame() {
    TestRuns.ManualClock clock = new TestRuns.ManualClock();
    RunCoordinator run = completed(true, clock);
    CrossSiteEvaluation x = run.crossSite();
    x.upload(local("a", 0.1f));
    clock.advance(TIMEOUT.minusSeconds(1));
    run.tick();
    assertThat(step(run, "b")).isEqualTo(CrossSiteStep.UPLOAD);
    clock.advance(Duration.ofSeconds(1));
    run.tick();
    assertThat(step(run, "b")).as("the deadline passed: scoring without b's model").isEqualTo(CrossSiteStep.SCORE);
    assertThatThrownBy(() -> x.upload(local("b", 0.2f))).isInstanceOf(Refusal.class)
        .hasMessageContaining("takes no more");
    assertThat(x.models("b").names()).containsExactly("global", "a");
    x.score(row("b", 0.5, 0.3));
    assertThat(run.settled(clock.instant())).isFalse();
    clock.advance(TIMEOUT);
    run.tick();
    CrossSiteMatrix m = x.matrix();
    assertThat(m.state()).isEqualTo(CrossSiteMatrix.State.DONE);
    assertThat(m.models()).containsExactly("global", "a", "b");
    assertThat(m.rows()).containsExactly(
        new CrossSiteMatrix.Row("a", null, Arrays.asList(null, null, null)),
        new CrossSiteMatrix.Row("b", 10L, Arrays.asList(0.5, 0.3, null)));
    assertThat(run.settled(clock.instant())).isTrue();
    assertThatThrownBy(() -> x.score(row("a", 0.5, 0.5))).isInstanceOf(Refusal.class)
        .hasMessageContaining("was done at");
  }

  /** A client the sampler never picked trained nothing, so has no local model: the collection does not wait for it. */
  @Test
  void theCollectionWaitsOnlyForTheClientsThatTrained() {
    RunCoordinator run = TestRuns.run(RunRules.of(1, 2).withCrossSite(true), Clock.systemUTC(), RunStore.NONE,
        new FedAvg(), new ClientSampler(0.5, 1));
    run.register(TestRuns.registration("a"));
    run.register(TestRuns.registration("b"));
    List<String> picked = run.round(1).selected();
    assertThat(picked).hasSize(1);
    String trained = picked.get(0);
    String idle = trained.equals("a") ? "b" : "a";
    run.submitUpdate(1, TestRuns.update(trained, 10, 0.5f));
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    run.crossSite().upload(local(trained, 0.1f));
    assertThat(step(run, idle)).as("no model to wait for").isEqualTo(CrossSiteStep.SCORE);
    assertThat(run.crossSite().models(idle).names()).containsExactly("global", trained);
  }
}
