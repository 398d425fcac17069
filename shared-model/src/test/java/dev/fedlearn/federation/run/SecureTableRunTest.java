package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.federation.secagg.SecAggClient;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A table's run with secure aggregation: the clients register without their column sums, mask them in a session of
 * their own before round 1 trains, and the run standardizes from the unmasked total, the same bits as from the sums
 * in the clear; then round 1's session takes the weights.
 */
class SecureTableRunTest {
  static final Duration STEP = Duration.ofSeconds(30);
  final TestRuns.ManualClock clock = new TestRuns.ManualClock();

  static final Map<String, Standardization.Sums> SUMS = Map.of(
      "a", new Standardization.Sums(10, new double[] {12.5, -3}, new double[] {40, 7}),
      "b", new Standardization.Sums(20, new double[] {1e7, 0.1}, new double[] {1e13, 0.5}),
      "c", new Standardization.Sums(30, new double[] {-7, 1e-30}, new double[] {9, 1e-59}),
      "d", new Standardization.Sums(40, new double[] {100, 64}, new double[] {2000, 400}));

  RunCoordinator run(int rounds, DifferentialPrivacy.Settings dp) {
    return run(rounds, dp, RunStore.NONE);
  }

  RunCoordinator run(int rounds, DifferentialPrivacy.Settings dp, RunStore store) {
    RunDefinition definition = RunDefinition.of(rounds, 4, new RunDefinition.Data("csv", 0, TableRunTest.SCHEMA),
        TestRuns.SIZES, TrainingConfig.defaults().withEpochs(1), new FedAvg(), ClientSampler.ALL, dp, 16f);
    RunCoordinator run = new RunCoordinator(new RunRules(rounds, 4, 3, Duration.ofMinutes(2), Duration.ofMinutes(10),
        1e4), definition, new Model(TestRuns.SIZES, new float[6]), round -> null, null, clock, store, STEP);
    for (String id : List.of("a", "b", "c", "d")) {
      long rows = SUMS.get(id).count();
      run.register(new ClientRegistration(id, (int) rows - 5, 5, null, 2));
    }
    return run;
  }

  /** Runs the column-sum session with {@code ids}, each masking {@code input(id)}; {@code late} send nothing after keys. */
  void columnSession(RunCoordinator run, List<String> ids, Set<String> late, Map<String, int[]> inputs) {
    SecAggPlan plan = run.secure().plan(1);
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : ids) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> {
      if (!late.contains(id)) {
        run.secure().receive(1, plan.session(), MaskedUpdate.of(id, c.mask(inputs.get(id),
            run.secure().sharesFor(1, plan.session(), id))));
      }
    });
    if (!late.isEmpty()) {
      clock.advance(STEP);
      run.tick();
    }
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> {
      if (survivors.contains(id)) {
        run.secure().receive(1, plan.session(), c.unmask(survivors));
      }
    });
  }

  static Map<String, int[]> honest() {
    Map<String, int[]> inputs = new LinkedHashMap<>();
    SUMS.forEach((id, s) -> inputs.put(id, ColumnSums.encode(s)));
    return inputs;
  }

  @Test
  void theColumnSumsAreSummedSecurelyBeforeRound1AndStandardizeAsInTheClear() {
    RunCoordinator run = run(1, null);
    SecAggPlan plan = run.secure().plan(1);
    assertThat(plan.sumsColumns()).isTrue();
    assertThat(plan.columns()).isEqualTo(2);
    assertThat(plan.picked()).containsExactly("a", "b", "c", "d");
    assertThat(run.current().plan().table().standardization()).as("none before the sums").isNull();

    List<String> events = new java.util.ArrayList<>();
    run.events().subscribe(e -> events.add(e.detail()));
    columnSession(run, List.of("a", "b", "c", "d"), Set.of(), honest());

    RunCoordinator clear = TableRunTest.tableRun(RunStore.NONE, 4);
    SUMS.forEach((id, s) -> clear.register(new ClientRegistration(id, (int) s.count() - 5, 5, s)));
    assertThat(run.current().plan().table().standardization())
        .isEqualTo(clear.current().plan().table().standardization())
        .isEqualTo(Standardization.of(List.copyOf(SUMS.values())));
    SecAggPlan weights = run.secure().plan(1);
    assertThat(weights.sumsColumns()).as("round 1's own session, for its weights").isFalse();
    assertThat(weights.session()).isNotEqualTo(plan.session());
    assertThat(events).anySatisfy(e -> assertThat(e).contains("the 100 rows of 4 clients"));
  }

  @Test
  void aClientThatSendsNoMaskedSumsIsLeftOutOfTheStandardization() {
    RunCoordinator run = run(1, null);
    columnSession(run, List.of("a", "b", "c", "d"), Set.of("d"), honest());
    assertThat(run.current().plan().table().standardization())
        .isEqualTo(Standardization.of(List.of(SUMS.get("a"), SUMS.get("b"), SUMS.get("c"))));
  }

  @Test
  void aSiteThatNeverSendsKeysDelaysTheSumsOneStepAndRound1GetsItsWholeDeadline() {
    RunCoordinator run = run(1, null);
    SecAggPlan plan = run.secure().plan(1);
    List<String> three = List.of("a", "b", "c");
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : three) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    clock.advance(STEP); // the step's time, far less than the round's 2 minutes: nothing trains before the sums
    run.tick();
    var u1 = run.secure().keysOf(1, plan.session());
    assertThat(u1).extracting(k -> k.clientId()).containsExactlyElementsOf(three);
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), MaskedUpdate.of(id,
        c.mask(ColumnSums.encode(SUMS.get(id)), run.secure().sharesFor(1, plan.session(), id)))));
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), c.unmask(survivors)));
    assertThat(run.current().plan().table().standardization())
        .isEqualTo(Standardization.of(List.of(SUMS.get("a"), SUMS.get("b"), SUMS.get("c"))));
    assertThat(run.round(1).deadline()).as("round 1's deadline counts from its weights session")
        .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS).plus(Duration.ofMinutes(2)));
    clock.advance(Duration.ofSeconds(90));
    run.tick();
    assertThat(run.secure().plan(1).step()).as("still waiting for the weights' keys").isEqualTo(
        dev.fedlearn.protocol.SecAggStep.KEYS);
  }

  @Test
  void sumsThatCloseLateInRound1StillLeaveItsWeightsSessionItsWholeWait() {
    RunCoordinator run = run(1, null); // round timeout 2 min, FL_MAX_ROUND_WAIT 10 min
    clock.advance(Duration.ofSeconds(580)); // a slow start: the column-sum sessions come and go, 9 min 40 s in all
    run.tick();
    SecAggPlan plan = run.secure().plan(1);
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : plan.picked()) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), MaskedUpdate.of(id,
        c.mask(ColumnSums.encode(SUMS.get(id)), run.secure().sharesFor(1, plan.session(), id)))));
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> {
      if (!id.equals("d")) { // d never sends its unmasking shares: the step closes on its time with the others
        run.secure().receive(1, plan.session(), c.unmask(survivors));
      }
    });
    clock.advance(STEP);
    run.tick();
    assertThat(run.status().state()).as(run.status().message()).isEqualTo(RunState.TRAINING);
    assertThat(run.current().plan().table().standardization()).isNotNull();
    assertThat(run.secure().plan(1).sumsColumns()).isFalse();
  }

  @Test
  void aStoreThatCannotKeepTheSumsFailsTheRunRatherThanWedgingIt() {
    RunStore failing = (RunStore) java.lang.reflect.Proxy.newProxyInstance(RunStore.class.getClassLoader(),
        new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("columnsSummed")) {
            throw new IllegalStateException("disk full");
          }
          return method.invoke(RunStore.NONE, args);
        });
    RunCoordinator run = run(1, null, failing);
    columnSession(run, List.of("a", "b", "c", "d"), Set.of(), honest());
    assertThat(run.status().state()).isEqualTo(RunState.FAILED);
    assertThat(run.status().message()).contains("could not be stored (disk full)");
  }

  @Test
  void sumsNoRowsGiveFailTheRunSayingSo() {
    RunCoordinator run = run(1, null);
    Map<String, int[]> inputs = honest();
    inputs.get("c")[0] += 3; // three rows more than it registered
    columnSession(run, List.of("a", "b", "c", "d"), Set.of(), inputs);
    assertThat(run.status().state()).isEqualTo(RunState.FAILED);
    assertThat(run.status().message()).contains("cannot be the rows of clients [a, b, c, d]")
        .contains("they count 103 rows where the clients registered 100");
  }

  @Test
  void aComplaintBeforeTheSumsStartsANewColumnSessionWithoutEitherClient() {
    RunCoordinator run = run(1, null);
    SecAggPlan first = run.secure().plan(1);
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : first.picked()) {
      clients.put(id, new SecAggClient(id, 1, first.threshold(), new SecureRandom()));
      run.secure().receive(1, first.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, first.session());
    clients.forEach((id, c) -> run.secure().receive(1, first.session(), new SecAggShares(id, c.shareKeys(u1))));
    run.secure().receive(1, first.session(), new SecAggComplaint("a", "d", "the share does not decrypt"));
    SecAggPlan next = run.secure().plan(1);
    assertThat(next.sumsColumns()).isTrue();
    assertThat(next.picked()).containsExactly("b", "c");
    columnSession(run, next.picked(), Set.of(), honest());
    assertThat(run.current().plan().table().standardization())
        .isEqualTo(Standardization.of(List.of(SUMS.get("b"), SUMS.get("c"))));
  }

  @Test
  void sumsInTheClearAndDifferentialPrivacyAreRefused() {
    RunCoordinator run = run(1, null);
    RunDefinition definition = RunDefinition.of(1, 5, new RunDefinition.Data("csv", 0, TableRunTest.SCHEMA),
        TestRuns.SIZES, TrainingConfig.defaults(), new FedAvg(), ClientSampler.ALL, null, 16f);
    RunCoordinator open = new RunCoordinator(RunRules.of(1, 5), definition, new Model(TestRuns.SIZES, new float[6]),
        round -> null, null, clock, RunStore.NONE, STEP);
    assertThatThrownBy(() -> open.register(new ClientRegistration("e", 5, 5, SUMS.get("a"))))
        .isInstanceOf(Refusal.class).hasMessageContaining("brings none in the clear");
    assertThatThrownBy(() -> open.register(new ClientRegistration("images", 5, 5)))
        .isInstanceOf(Refusal.class).hasMessageContaining("registered no table (a shard of images?)")
        .satisfies(e -> assertThat(((Refusal) e).type()).isEqualTo(ProblemTypes.NOT_IN_RUN));
    assertThatThrownBy(() -> open.register(new ClientRegistration("wide", 5, 5, null, 3)))
        .isInstanceOf(Refusal.class).hasMessageContaining("registered a table of 3");
    assertThatThrownBy(() -> TableRunTest.tableRun(RunStore.NONE, 2).register(new ClientRegistration("x", 5, 5,
        null, 2))).isInstanceOf(Refusal.class).hasMessageContaining("secure aggregation only");
    assertThat(open.status().registeredClients()).isZero();
    RunCoordinator images = new RunCoordinator(RunRules.of(1, 2), RunDefinition.of(1, 2,
        new RunDefinition.Data("test", 10), TestRuns.SIZES, TrainingConfig.defaults(), new FedAvg(), ClientSampler.ALL,
        null, 16f), new Model(TestRuns.SIZES, new float[6]), round -> null, null, clock, RunStore.NONE, STEP);
    assertThatThrownBy(() -> images.register(new ClientRegistration("a", 5, 5, SUMS.get("a"))))
        .isInstanceOf(Refusal.class).hasMessageContaining("learns from images");
    assertThat(run.status().registeredClients()).isEqualTo(4);
    assertThatThrownBy(() -> run(1, new DifferentialPrivacy.Settings(1, 0, 1e-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the epsilon would not hold");
    assertThat(FixedPoint.scale(16f, 100)).isPositive();
  }
}
