package dev.fedlearn.federation.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.federation.secagg.SecAggClient;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.SecAggStep;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Secure aggregation through the coordinator, with clients run in the test: the round's new model is FedAvg's within
 * the fixed-point error; a client that drops before sending its masked update is left out (its masks removed), one
 * that drops after it is in (its self mask removed from the others' shares), both once the step's time is up; below
 * the threshold the session is abandoned and a new one starts; plain updates, and steps out of order, are refused.
 */
class SecureAggregationRunTest {
  static final Duration STEP = Duration.ofSeconds(30);
  static final float BOUND = 16f;
  final TestRuns.ManualClock clock = new TestRuns.ManualClock();

  /** Each client's trained weights (6 parameters) and its sample count. */
  static final Map<String, float[]> WEIGHTS = Map.of(
      "a", new float[] {0.5f, -1.25f, 2f, 0.125f, -3f, 7.5f},
      "b", new float[] {0.25f, 1f, -2f, 0.5f, 3f, -7.5f},
      "c", new float[] {-0.75f, 0.5f, 1f, -0.25f, 2f, 1f},
      "d", new float[] {1f, 1f, 1f, 1f, 1f, 1f});
  static final Map<String, Integer> SAMPLES = Map.of("a", 100, "b", 300, "c", 200, "d", 400);

  static final Model INITIAL = new Model(TestRuns.SIZES, new float[] {0.1f, 0, 0, 0, 0, 0});

  RunCoordinator run() {
    return run(new SecAggSettings(BOUND, STEP));
  }

  RunCoordinator run(SecAggSettings settings) {
    return run(settings, 1);
  }

  RunCoordinator run(SecAggSettings settings, int rounds) {
    Model initial = INITIAL;
    RunRules rules = new RunRules(rounds, 4, 3, Duration.ofMinutes(2), Duration.ofMinutes(10), 1e4);
    RunDefinition definition = RunDefinition.of(rounds, 4, new RunDefinition.Data("test", 10), INITIAL.sizes(),
        TrainingConfig.defaults().withEpochs(1), new FedAvg(), ClientSampler.ALL, settings.dp(), settings.bound());
    RunCoordinator run = new RunCoordinator(rules, definition, initial, round -> null,
        m -> new Evaluation(10, 1 - m.params()[0], m.params()[0]), clock, RunStore.NONE, settings.stepTimeout());
    for (String id : List.of("a", "b", "c", "d")) {
      run.register(new ClientRegistration(id, SAMPLES.get(id), 10));
    }
    return run;
  }

  /** Runs the session with every client, {@code dropBefore} leaving after step 2, {@code dropAfter} after step 3. */
  Map<String, float[]> session(RunCoordinator run, Set<String> dropBefore, Set<String> dropAfter) {
    SecAggPlan plan = run.secure().plan(1);
    assertThat(plan.threshold()).isEqualTo(3);
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : List.of("a", "b", "c", "d")) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    for (var e : clients.entrySet()) {
      run.secure().receive(1, plan.session(), new SecAggShares(e.getKey(), e.getValue().shareKeys(u1)));
    }
    for (var e : clients.entrySet()) {
      if (dropBefore.contains(e.getKey())) {
        continue;
      }
      List<EncryptedShare> mine = run.secure().sharesFor(1, plan.session(), e.getKey());
      int[] encoded = FixedPoint.encode(WEIGHTS.get(e.getKey()), SAMPLES.get(e.getKey()), plan.bound(),
          plan.scale());
      run.secure().receive(1, plan.session(), MaskedUpdate.of(e.getKey(), e.getValue().mask(encoded, mine)));
    }
    if (!dropBefore.isEmpty()) {
      clock.advance(STEP);
      run.tick(); // step 3's time is up: it goes on with the masked updates it has
    }
    List<String> survivors = run.secure().survivors(1, plan.session());
    for (var e : clients.entrySet()) {
      if (survivors.contains(e.getKey()) && !dropAfter.contains(e.getKey())) {
        run.secure().receive(1, plan.session(), e.getValue().unmask(survivors));
      }
    }
    if (!dropAfter.isEmpty()) {
      assertThat(run.status().round()).as("the round waits for the last unmasking shares").isZero();
      clock.advance(STEP);
      run.tick();
    }
    Map<String, float[]> included = new LinkedHashMap<>();
    survivors.forEach(id -> included.put(id, WEIGHTS.get(id)));
    return included;
  }

  static void assertFedAvgOf(RunCoordinator run, Map<String, float[]> included) {
    assertThat(run.status().state()).isEqualTo(RunState.COMPLETED);
    List<ClientResult> results = new ArrayList<>();
    long total = 0;
    for (var e : included.entrySet()) {
      results.add(new ClientResult(e.getKey(), e.getValue(), SAMPLES.get(e.getKey())));
      total += SAMPLES.get(e.getKey());
    }
    float[] expected = FedAvg.average(6, results);
    double scale = FixedPoint.scale(BOUND, 1000); // the picked clients' samples
    double bound = FixedPoint.errorBound(included.size(), scale, total);
    float[] got = run.globalModel().params();
    for (int j = 0; j < 6; j++) {
      assertThat((double) got[j]).as("weight %d", j).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(
          bound));
    }
    assertThat(run.rounds().get(0).participants()).containsExactlyElementsOf(included.keySet());
  }

  @Test
  void allClientsGiveFedAvgWithinTheFixedPointError() {
    RunCoordinator run = run();
    assertFedAvgOf(run, session(run, Set.of(), Set.of()));
  }

  @Test
  void aClientThatDropsBeforeItsMaskedUpdateIsLeftOut() {
    RunCoordinator run = run();
    Map<String, float[]> included = session(run, Set.of("c"), Set.of());
    assertThat(included).doesNotContainKey("c");
    assertFedAvgOf(run, included);
  }

  @Test
  void aClientThatDropsAfterItsMaskedUpdateIsIn() {
    RunCoordinator run = run();
    Map<String, float[]> included = session(run, Set.of(), Set.of("b"));
    assertThat(included).containsKey("b");
    assertFedAvgOf(run, included);
  }

  /**
   * With 4 clients the threshold is 3: losing one before and one after the masked updates leaves 2 to unmask. The
   * unmasking shares were asked for, so the session must not start again with the same inputs: the round closes with
   * no update, the model stays as it was, and the run goes on.
   */
  @Test
  void oneDropTooManyAfterTheSharesWereAskedForClosesTheRoundWithNoUpdate() {
    RunCoordinator run = run(new SecAggSettings(BOUND, STEP), 2);
    String first = run.secure().plan(1).session();
    List<String> events = new ArrayList<>();
    run.events().subscribe(e -> events.add(e.detail()));
    session(run, Set.of("d"), Set.of("a"));
    assertThat(run.status().state()).isEqualTo(RunState.TRAINING);
    assertThat(run.status().round()).as("round 1 closed").isEqualTo(1);
    assertThat(run.globalModel().params()).containsExactly(INITIAL.params());
    assertThat(run.round(1).participants()).isEmpty();
    assertThat(events).anyMatch(e -> e.contains("round 1 closed with no update"));
    assertThat(run.secure().plan(2).session()).isNotEqualTo(first);
    assertThatThrownBy(() -> run.secure().survivors(1, first)).isInstanceOf(Refusal.class);
  }

  /** Runs step 1 with {@code ads} in order; returns the clients whose advertisement was refused, and why. */
  static Map<String, Refusal> advertise(RunCoordinator run, String session, List<KeyAdvertisement> ads) {
    Map<String, Refusal> refused = new LinkedHashMap<>();
    for (KeyAdvertisement ad : ads) {
      try {
        run.secure().receive(1, session, ad);
      } catch (Refusal e) {
        refused.put(ad.clientId(), e);
      }
    }
    return refused;
  }

  @Test
  void aClientAdvertisingOneKeyTwiceIsDroppedAndTheHonestClientsFinishTheRound() {
    RunCoordinator run = run();
    SecAggPlan plan = run.secure().plan(1);
    Map<String, SecAggClient> honest = honest(plan, "a", "b", "c");
    List<KeyAdvertisement> ads = new ArrayList<>();
    honest.values().forEach(c -> ads.add(c.advertise()));
    byte[] key = new SecAggClient("d", 1, plan.threshold(), new SecureRandom()).advertise().cPublicKey();
    ads.add(1, new KeyAdvertisement("d", key, key));
    Map<String, Refusal> refused = advertise(run, plan.session(), ads);
    assertThat(refused).containsOnlyKeys("d");
    assertThat(refused.get("d").type()).isEqualTo(ProblemTypes.SECAGG_EXCLUDED);
    assertThat(refused.get("d").getMessage()).contains("advertised already");
    assertThat(run.secure().stepClosed(1, plan.session(), SecAggStep.KEYS, Duration.ZERO).join())
        .as("step 1 closes once the three others sent theirs").isTrue();
    assertThatThrownBy(() -> run.secure().receive(1, plan.session(), new SecAggClient("d", 1, plan.threshold(),
        new SecureRandom()).advertise())).isInstanceOf(Refusal.class).hasMessageContaining("dropped");
    finish(run, plan, honest);
    assertFedAvgOf(run, new java.util.TreeMap<>(Map.of("a", WEIGHTS.get("a"), "b", WEIGHTS.get("b"), "c",
        WEIGHTS.get("c"))));
  }

  @Test
  void aBadKeyAfterEveryoneElsesClosesTheStepWithoutWaitingForTheDroppedClient() {
    RunCoordinator run = run();
    SecAggPlan plan = run.secure().plan(1);
    Map<String, SecAggClient> honest = honest(plan, "a", "b", "c");
    List<KeyAdvertisement> ads = new ArrayList<>();
    honest.values().forEach(c -> ads.add(c.advertise()));
    ads.add(new KeyAdvertisement("d", new byte[32], new byte[32]));
    assertThat(plan.step()).isEqualTo(SecAggStep.KEYS);
    assertThat(advertise(run, plan.session(), ads)).containsOnlyKeys("d");
    assertThat(run.secure().stepClosed(1, plan.session(), SecAggStep.KEYS, Duration.ZERO).join()).isTrue();
    assertThat(run.secure().plan(1).step()).as("the session as read now").isEqualTo(SecAggStep.SHARES);
    finish(run, plan, honest);
    assertFedAvgOf(run, new java.util.TreeMap<>(Map.of("a", WEIGHTS.get("a"), "b", WEIGHTS.get("b"), "c",
        WEIGHTS.get("c"))));
  }

  /** Two of four clients dropped leave two, below the threshold of 3: the round closes with no update at once. */
  @Test
  void tooManyMisbehavingClientsCloseTheRoundWithNoUpdateAndTheNextOneOpens() {
    RunCoordinator run = run(new SecAggSettings(BOUND, STEP), 2);
    SecAggPlan plan = run.secure().plan(1);
    KeyAdvertisement a = new SecAggClient("a", 1, plan.threshold(), new SecureRandom()).advertise();
    Map<String, Refusal> refused = advertise(run, plan.session(), List.of(a,
        new KeyAdvertisement("b", a.cPublicKey(), a.sPublicKey()), new KeyAdvertisement("c", new byte[32],
            new byte[32])));
    assertThat(refused).containsOnlyKeys("b", "c");
    assertThat(run.status().state()).isEqualTo(RunState.TRAINING);
    assertThat(run.status().round()).as("round 1 closed").isEqualTo(1);
    assertThat(run.globalModel().params()).containsExactly(INITIAL.params());
    assertThat(run.secure().plan(2).session()).isNotEqualTo(plan.session());
  }

  @Test
  void aKeyCopiedFromAnotherClientAndAKeyOfSmallOrderAreRefused() {
    RunCoordinator run = run();
    SecAggPlan plan = run.secure().plan(1);
    KeyAdvertisement a = new SecAggClient("a", 1, plan.threshold(), new SecureRandom()).advertise();
    KeyAdvertisement b = new SecAggClient("b", 1, plan.threshold(), new SecureRandom()).advertise();
    byte[] one = new byte[32];
    one[0] = 1; // u = 1, a point of small order
    Map<String, Refusal> refused = advertise(run, plan.session(), List.of(a,
        new KeyAdvertisement("b", a.sPublicKey(), b.sPublicKey()), new KeyAdvertisement("c", one, b.cPublicKey())));
    assertThat(refused).containsOnlyKeys("b", "c");
    assertThat(refused.get("b").getMessage()).contains("advertised already");
    assertThat(refused.get("c").getMessage()).contains("low-order point");
  }

  @Test
  void garbageInAMaskedInputClosesTheRoundWithNoUpdateAndTheRunGoesOn() {
    RunCoordinator run = run(new SecAggSettings(BOUND, STEP), 2);
    SecAggPlan plan = run.secure().plan(1);
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : List.of("a", "b", "c", "d")) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> {
      int[] masked = c.mask(FixedPoint.encode(WEIGHTS.get(id), SAMPLES.get(id), plan.bound(), plan.scale()),
          run.secure().sharesFor(1, plan.session(), id));
      if (id.equals("c")) {
        for (int j = 0; j < masked.length; j++) {
          masked[j] += 0x40000000; // far outside the bound once unmasked
        }
      }
      run.secure().receive(1, plan.session(), MaskedUpdate.of(id, masked));
    });
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), c.unmask(survivors)));
    assertThat(run.status().state()).isEqualTo(RunState.TRAINING);
    assertThat(run.status().round()).isEqualTo(1);
    assertThat(run.globalModel().params()).containsExactly(INITIAL.params());
    assertThat(run.secure().plan(2).picked()).hasSize(4);
  }

  /** Honest clients of round 1's session, by id, in the order given. */
  static Map<String, SecAggClient> honest(SecAggPlan plan, String... ids) {
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : ids) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
    }
    return clients;
  }

  /** Steps 1 and 2 for {@code clients}; the plan of the session, now waiting for masked updates. */
  static SecAggPlan keysAndShares(RunCoordinator run, Map<String, SecAggClient> clients) {
    SecAggPlan plan = run.secure().plan(1);
    clients.values().forEach(c -> run.secure().receive(1, plan.session(), c.advertise()));
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    return plan;
  }

  /**
   * A report that another client's share does not decrypt: the aggregator cannot tell who lies, so both sit the round
   * out and a new session goes on with the other two, which finish the round.
   */
  @Test
  void aComplaintStartsANewSessionWithoutEitherClientAndTheOthersFinish() {
    RunCoordinator run = run();
    SecAggPlan first = run.secure().plan(1);
    keysAndShares(run, honest(first, "a", "b", "c", "d"));
    assertThatThrownBy(() -> run.secure().receive(1, first.session(), new SecAggComplaint("a", "a", "x")))
        .isInstanceOf(Refusal.class).hasMessageContaining("another client");
    run.secure().receive(1, first.session(), new SecAggComplaint("a", "d", "the share does not decrypt"));
    assertThatThrownBy(() -> run.secure().survivors(1, first.session())).isInstanceOf(Refusal.class)
        .extracting(e -> ((Refusal) e).type()).isEqualTo(ProblemTypes.SECAGG_START_AGAIN);
    SecAggPlan next = run.secure().plan(1);
    assertThat(next.picked()).containsExactly("b", "c");
    assertThat(next.threshold()).isEqualTo(2);
    Map<String, SecAggClient> rest = new LinkedHashMap<>();
    for (String id : next.picked()) {
      rest.put(id, new SecAggClient(id, 1, next.threshold(), new SecureRandom()));
    }
    rest.values().forEach(c -> run.secure().receive(1, next.session(), c.advertise()));
    finish(run, next, rest);
    assertFedAvgOf(run, new java.util.TreeMap<>(Map.of("b", WEIGHTS.get("b"), "c", WEIGHTS.get("c"))));
  }

  @Test
  void aComplaintOutsideTheMaskedStepOrUnderDifferentialPrivacy() {
    RunCoordinator run = run();
    SecAggPlan plan = run.secure().plan(1);
    assertThatThrownBy(() -> run.secure().receive(1, plan.session(), new SecAggComplaint("a", "d", "x")))
        .isInstanceOf(Refusal.class).hasMessageContaining("not taking a complaint");

    RunCoordinator private2 = run(new SecAggSettings(BOUND, STEP, new DifferentialPrivacy.Settings(2, 0, 1e-5)), 2);
    SecAggPlan dp = keysAndShares(private2, honest(private2.secure().plan(1), "a", "b", "c", "d"));
    private2.secure().receive(1, dp.session(), new SecAggComplaint("a", "d", "the share does not decrypt"));
    assertThat(private2.status().round()).as("with DP in the shares the round closes with no update").isEqualTo(1);
    assertThat(private2.globalModel().params()).containsExactly(INITIAL.params());
    assertThat(private2.secure().plan(2).picked()).as("the next round picks everyone again").hasSize(4);
  }

  /** Steps 2 to 4 for {@code clients}, who all sent their keys in step 1. */
  static void finish(RunCoordinator run, SecAggPlan plan, Map<String, SecAggClient> clients) {
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), MaskedUpdate.of(id, c.mask(FixedPoint.encode(
        WEIGHTS.get(id), SAMPLES.get(id), plan.bound(), plan.scale()), run.secure().sharesFor(1, plan.session(), id)))));
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), c.unmask(survivors)));
  }

  @Test
  void plainUpdatesAndStepsOutOfOrderAreRefused() {
    RunCoordinator run = run();
    SecAggPlan early = run.secure().plan(1);
    assertThatThrownBy(() -> run.secure().receive(1, early.session(), new dev.fedlearn.protocol.UnmaskingShares("a",
        Map.of(), Map.of()))).as("unmasking shares before step 4: refused, no server error")
        .isInstanceOf(Refusal.class).hasMessageContaining("not taking its unmasking shares");
    assertThatThrownBy(() -> run.submitUpdate(1, TestRuns.update("a", 100, 0.5f)))
        .isInstanceOf(Refusal.class).hasMessageContaining("only through secure aggregation");
    SecAggPlan plan = run.secure().plan(1);
    var a = new SecAggClient("a", 1, plan.threshold(), new SecureRandom()).advertise();
    assertThatThrownBy(() -> run.secure().receive(1, plan.session(), new SecAggShares("a", List.of())))
        .isInstanceOf(Refusal.class).hasMessageContaining("not taking its encrypted shares");
    assertThatThrownBy(() -> run.secure().receive(1, "another-session", a)).isInstanceOf(Refusal.class)
        .extracting(e -> ((Refusal) e).type()).isEqualTo(ProblemTypes.SECAGG_START_AGAIN);
    run.secure().receive(1, plan.session(), a);
    assertThatThrownBy(() -> run.secure().receive(1, plan.session(), a))
        .isInstanceOf(Refusal.class).hasMessageContaining("already sent");
  }

  @Test
  void tooFewClientsInAStepAbandonTheSessionAndANewOneStarts() {
    RunCoordinator run = run();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    run.events().subscribe(e -> events.add(e.detail()));
    SecAggPlan plan = run.secure().plan(1);
    for (String id : List.of("a", "b", "c", "d")) {
      run.secure().receive(1, plan.session(), new SecAggClient(id, 1, 3, new SecureRandom()).advertise());
    }
    clock.advance(STEP); // nobody sends shares
    run.tick();
    SecAggPlan next = run.secure().plan(1);
    assertThat(next.session()).isNotEqualTo(plan.session());
    assertThatThrownBy(() -> run.secure().keysOf(1, plan.session())).isInstanceOf(Refusal.class)
        .extracting(e -> ((Refusal) e).type()).as("the client reads the type, not the text")
        .isEqualTo(ProblemTypes.SECAGG_START_AGAIN);
    assertThat(events).anySatisfy(e -> assertThat(e).contains("abandoned").contains("step shares ended with 0 of "
        + "the 3"));
  }

  /**
   * With differential privacy the clients send their clipped changes plus their shares of the noise, unweighted:
   * without noise the round's model is DP-FedAvg's (clipped changes, mean over the picked clients), and the plan tells
   * each client its noise, sigma * C / sqrt(picked); epsilon is in the status.
   */
  @Test
  void withDifferentialPrivacyTheClientsClipAndAddTheirShareOfTheNoise() {
    DifferentialPrivacy.Settings quiet = new DifferentialPrivacy.Settings(2, 0, 1e-5);
    RunCoordinator run = run(new SecAggSettings(BOUND, STEP, quiet));
    SecAggPlan plan = run.secure().plan(1);
    assertThat(plan.dpClip()).isEqualTo(2.0);
    assertThat(plan.dpNoiseStd()).isZero();
    Map<String, SecAggClient> clients = new LinkedHashMap<>();
    for (String id : List.of("a", "b", "c", "d")) {
      clients.put(id, new SecAggClient(id, 1, plan.threshold(), new SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), new SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), MaskedUpdate.of(id, c.mask(FixedPoint.encode(
        DifferentialPrivacy.noisyClippedChange(WEIGHTS.get(id), INITIAL.params(), plan.dpClip(), plan.dpNoiseStd(),
            new SecureRandom()), 1, plan.bound(), plan.scale()), run.secure().sharesFor(1, plan.session(), id)))));
    List<String> survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), c.unmask(survivors)));

    List<ClientResult> results = new ArrayList<>();
    WEIGHTS.forEach((id, w) -> results.add(new ClientResult(id, w, SAMPLES.get(id))));
    float[] expected = new DifferentialPrivacy(new FedAvg(), quiet, r -> null).aggregate(1, INITIAL, results,
        List.of(), Map.of()).model().params();
    float[] got = run.globalModel().params();
    double bound = FixedPoint.errorBound(4, plan.scale(), 4);
    for (int j = 0; j < 6; j++) {
      assertThat((double) got[j]).as("weight %d", j).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(
          bound));
    }
    assertThat(run.status().privacy()).isNotNull();

    RunCoordinator noisy = run(new SecAggSettings(BOUND, STEP, new DifferentialPrivacy.Settings(2, 1.5, 1e-5)));
    assertThat(noisy.secure().plan(1).dpNoiseStd()).isCloseTo(1.5 * 2 / 2, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(noisy.status().privacy().epsilon()).as("nothing spent before a round").isZero();
  }
}
