package dev.fedlearn.client.worker;

import static dev.fedlearn.client.worker.FakeAggregator.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.TestShards;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Preset;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.SecAggPlan;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The worker in private runs: secure aggregation sessions restarted or sat out on the aggregator's problem type (never
 * its text), plans below the client's floors refused before anything is sent, and no figures of its own sent.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class FederatedClientPrivacyTest {
  private static final String ID = "client-t";
  private static final int ROUNDS = 3;
  private static final Model MODEL = Model.initialise(LayerSizes.of(784, 8, 10), Preset.DEFAULT, 7);
  private static final TrainingPlan PLAIN = new TrainingPlan(2, 4, null, 0.9f, null, 42L, "default");
  private static final TrainingPlan SECURE = new TrainingPlan(2, 4, null, 0.9f, null, 42L, "default", null, true);
  /** Differential privacy without secure aggregation: the aggregator adds the noise. */
  private static final TrainingPlan PRIVATE_PLAIN = new TrainingPlan(2, 4, null, 0.9f, null, 42L, "default", null,
      null, true);
  private static final float BOUND = 8f;

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
    data = new LocalData(shard, ID, 0.7, null);
  }

  @BeforeEach
  void setUp() {
    aggregator = new FakeAggregator();
    tracker = new StatusTracker(ClientStatus.starting(ID, "http://fake", data.trainSize(), data.testSize(),
        "scalar"));
  }

  /** Runs the worker with these floors on this thread, with a sleeper that records instead of sleeping. */
  private void runWorker(boolean requireSecureAggregation, int minSecaggThreshold, double minDpNoise) {
    ClientProperties properties = TestShards.properties(ID, shard, "http://fake", requireSecureAggregation,
        minSecaggThreshold, minDpNoise);
    new FederatedClient(aggregator, data, tracker, properties, sleeps::add).run();
  }

  private void runWorker() {
    runWorker(false, 0, 0);
  }

  private static GlobalModel model(int round, RunState state, TrainingPlan plan) {
    return GlobalModel.of(round, ROUNDS, state, MODEL, plan);
  }

  /** A session of this client alone, without differential privacy. */
  private static SecAggPlan session(int round, String id, int threshold) {
    return new SecAggPlan(round, id, threshold, FixedPoint.scale(BOUND, 1000), BOUND, List.of(ID), null, null);
  }

  /** A session of this client alone with differential privacy. */
  private static SecAggPlan dpSession(int round, String id, int threshold, float bound, double clip, double std) {
    return new SecAggPlan(round, id, threshold, FixedPoint.scale(bound, 1), bound, List.of(ID), clip, std);
  }

  private static List<Integer> rounds(List<? extends FakeAggregator.Call<?>> calls) {
    return calls.stream().map(FakeAggregator.Call::round).toList();
  }

  private static long lines(CapturedOutput output, String text) {
    return output.getOut().lines().filter(l -> l.contains(text)).count();
  }

  // Problem types, not text

  @Test
  void theStartAgainProblemTypeRestartsTheSessionWithNewKeys() {
    aggregator.serveSecAgg(session(1, "s1", 1)).serveSecAgg(session(1, "s2", 1))
        .failSecAggKeys(problem(ProblemTypes.SECAGG_START_AGAIN, "session s1 of round 1 is over"))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(aggregator.secAggPlansRead).extracting(c -> c.body().session()).containsExactly("s1", "s2");
    assertThat(aggregator.keySessions).containsExactly("s1", "s2");
    assertThat(aggregator.maskedSessions).as("the update went into the new session").containsExactly("s2");
    assertThat(rounds(aggregator.unmaskings)).containsExactly(1);
    assertThat(aggregator.maskedUpdates.get(0).body().clientId()).isEqualTo(ID);
    assertThat(aggregator.updateAttempts).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  /**
   * A share from another client that does not decrypt: this client reports that client, sends no masked update, and
   * (left out of the new session the aggregator starts without the two) sits the round out.
   */
  @Test
  void aShareThatDoesNotDecryptIsReportedAndTheClientSitsTheRoundOut() {
    SecAggPlan first = new SecAggPlan(1, "s1", 2, FixedPoint.scale(BOUND, 1000), BOUND, List.of(ID, "client-x"), null,
        null);
    SecAggPlan without = new SecAggPlan(1, "s2", 2, FixedPoint.scale(BOUND, 1000), BOUND, List.of("client-y",
        "client-z"), null, null);
    aggregator.serveSecAgg(first).serveSecAgg(without)
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));
    aggregator.otherKeys.add(new dev.fedlearn.federation.secagg.SecAggClient("client-x", 1, 2, new java.security.SecureRandom())
        .advertise());
    aggregator.sharesForTheClient.add(new dev.fedlearn.protocol.EncryptedShare("client-x", ID, new byte[100]));

    runWorker();

    assertThat(aggregator.complaints).hasSize(1);
    assertThat(aggregator.complaints.get(0).body().against()).isEqualTo("client-x");
    assertThat(aggregator.complaints.get(0).body().reason()).contains("does not decrypt");
    assertThat(aggregator.maskedUpdates).isEmpty();
    assertThat(aggregator.secAggPlansRead).as("the session is read again after the report").hasSize(2);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  /** Two unmaskings of one update in two sessions could reveal it: once its shares went out, a client never rejoins. */
  @Test
  void aClientThatSentItsUnmaskingSharesNeverStartsTheRoundAgain() {
    aggregator.serveSecAgg(session(1, "s1", 1)).serveSecAgg(session(1, "s2", 1))
        .failSecAggUnmask(problem(ProblemTypes.SECAGG_START_AGAIN, "session s1 of round 1 is over"))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(aggregator.maskedSessions).as("masked once, in s1 only").containsExactly("s1");
    assertThat(aggregator.secAggPlansRead).hasSize(1);
    assertThat(aggregator.keySessions).containsExactly("s1");
  }

  @Test
  void aConflictThatOnlySaysStartAgainInItsTextIsNoRestart() {
    aggregator.serveSecAgg(session(1, "s1", 1)).serveSecAgg(session(1, "s2", 1))
        .failSecAggKeys(problem(null, "session s1 of round 1 is over: start again with GET /rounds/1/secagg"))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(aggregator.secAggPlansRead).as("no problem type: the session is not read again").hasSize(1);
    assertThat(aggregator.maskedUpdates).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
  }

  @Test
  void anExcludedClientSitsTheRoundOutWithOneLineAndFollowsTheNext(CapturedOutput output) {
    aggregator.serveSecAgg(session(1, "s1", 1)).serveSecAgg(session(2, "s2", 1))
        .failSecAggKeys(problem(ProblemTypes.SECAGG_EXCLUDED,
            "client-t advertised a repeated key; it may start again next round"))
        .serve(model(0, RunState.TRAINING, SECURE)) // round 1: excluded
        .serve(model(1, RunState.TRAINING, SECURE)) // round 2: takes part
        .serve(model(2, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(rounds(aggregator.secAggPlansRead)).as("round 1 not tried again").containsExactly(1, 2);
    assertThat(rounds(aggregator.maskedUpdates)).containsExactly(2);
    assertThat(sleeps).as("no retry").isEmpty();
    assertThat(lines(output, "excluded this client from the round's secure aggregation")).isEqualTo(1);
    assertThat(tracker.snapshot().lastError()).contains("round 1").contains("excluded").contains("repeated key");
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
    assertThat(tracker.snapshot().lastTrainedRound()).isEqualTo(2);
  }

  // No figures of its own in a private run

  @Test
  void aPrivateRunGetsNoScoresAndNoEpochFiguresButTheSiteKeepsItsOwn() {
    aggregator
        .serve(model(0, RunState.TRAINING, PRIVATE_PLAIN))
        .serve(model(1, RunState.TRAINING, PRIVATE_PLAIN))
        .serve(model(2, RunState.COMPLETED, PRIVATE_PLAIN));

    runWorker();

    assertThat(aggregator.evaluationAttempts).as("no score of a global model is sent").isEmpty();
    assertThat(rounds(aggregator.updates)).containsExactly(1, 2);
    assertThat(aggregator.updates).allSatisfy(u -> assertThat(u.body().epochs()).isEmpty());
    ClientStatus status = tracker.snapshot();
    assertThat(status.state()).isEqualTo(ClientState.DONE);
    assertThat(status.lastEvaluatedRound()).as("scored on the site all the same").isEqualTo(2);
    assertThat(status.lastTestAccuracy()).isBetween(0.0, 1.0);
    assertThat(status.lastTrainLoss()).isPositive();
  }

  @Test
  void aSecureRunSendsOnlyMaskedUpdatesAndNoScores() {
    aggregator.serveSecAgg(session(1, "s1", 1)).serveSecAgg(session(2, "s2", 1))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.TRAINING, SECURE))
        .serve(model(2, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(aggregator.evaluationAttempts).isEmpty();
    assertThat(aggregator.updateAttempts).isEmpty();
    assertThat(rounds(aggregator.maskedUpdates)).containsExactly(1, 2);
    assertThat(aggregator.maskedUpdates.get(0).body().ints()).as("the model's parameters and the sample count")
        .hasSize(MODEL.params().length + 1);
    assertThat(tracker.snapshot().lastEvaluatedRound()).isEqualTo(2);
  }

  // Floors

  @Test
  void aClientThatRequiresSecureAggregationRefusesAPlainRunBeforeSendingAnything(CapturedOutput output) {
    aggregator
        .serve(model(1, RunState.TRAINING, PLAIN)) // would score round 1 and train round 2
        .serve(model(2, RunState.TRAINING, PLAIN));

    runWorker(true, 0, 0);

    assertThat(aggregator.polledAfter).as("the worker ends: no more polls").hasSize(1);
    assertThat(aggregator.evaluationAttempts).isEmpty();
    assertThat(aggregator.updateAttempts).isEmpty();
    ClientStatus status = tracker.snapshot();
    assertThat(status.state()).isEqualTo(ClientState.REFUSED);
    assertThat(status.lastError()).contains("FL_REQUIRE_SECURE_AGGREGATION=true")
        .contains("secureAggregation=false");
    assertThat(lines(output, "this client refuses the run: ")).isEqualTo(1);
    assertThat(output.getOut()).contains("privacy floors: FL_REQUIRE_SECURE_AGGREGATION=true, "
        + "FL_MIN_SECAGG_THRESHOLD=0, FL_MIN_DP_NOISE=0; a plan below them is refused");
  }

  @Test
  void aDpFloorRefusesAPlainRunWhoseNoiseTheClientCannotVerify() {
    aggregator.serve(model(0, RunState.TRAINING, PRIVATE_PLAIN)).serve(model(0, RunState.TRAINING, PRIVATE_PLAIN));

    runWorker(false, 0, 0.5);

    assertThat(aggregator.updateAttempts).isEmpty();
    assertThat(aggregator.polledAfter).hasSize(1);
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("FL_MIN_DP_NOISE=0.5").contains("cannot verify");
  }

  @Test
  void aSessionBelowTheThresholdFloorIsRefusedBeforeAnyKeyIsSent() {
    aggregator.serveSecAgg(session(1, "s1", 1))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker(true, 2, 0);

    assertThat(aggregator.keySessions).isEmpty();
    assertThat(aggregator.maskedUpdates).isEmpty();
    assertThat(aggregator.polledAfter).hasSize(1);
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("session s1").contains("threshold 1")
        .contains("FL_MIN_SECAGG_THRESHOLD=2");
  }

  @Test
  void aSessionWhoseBoundWouldTruncateTheNoiseIsRefusedWithoutAnyFloor() {
    // clip 1 + 8 x 0.5 = 5 > bound 4
    aggregator.serveSecAgg(dpSession(1, "s1", 1, 4f, 1.0, 0.5))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker();

    assertThat(aggregator.keySessions).isEmpty();
    assertThat(aggregator.maskedUpdates).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("clip bound 4").contains("= 5").contains("truncate");
  }

  @Test
  void aSessionWithEnoughNoiseAndRoomForItGoesThrough() {
    // worst-case multiplier 0.5 x sqrt(1) / 1 = 0.5; bound 5 = clip 1 + 8 x 0.5
    aggregator.serveSecAgg(dpSession(1, "s1", 1, 5f, 1.0, 0.5))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker(true, 1, 0.5);

    assertThat(rounds(aggregator.maskedUpdates)).containsExactly(1);
    assertThat(tracker.state()).isEqualTo(ClientState.DONE);
    assertThat(tracker.snapshot().lastError()).isNull();
  }

  @Test
  void aDpFloorRefusesASessionWithTooLittleNoiseOrNone() {
    aggregator.serveSecAgg(dpSession(1, "s1", 1, 5f, 1.0, 0.5))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker(false, 0, 0.6);

    assertThat(aggregator.keySessions).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("noise multiplier of 0.5").contains("FL_MIN_DP_NOISE=0.6");

    setUp();
    aggregator.serveSecAgg(session(1, "s1", 1))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker(false, 0, 0.6);

    assertThat(aggregator.keySessions).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("no differential privacy").contains("FL_MIN_DP_NOISE=0.6");
  }

  @Test
  void aRestartedSessionIsCheckedAgain() {
    aggregator.serveSecAgg(session(1, "s1", 2)).serveSecAgg(session(1, "s2", 1))
        .failSecAggKeys(problem(ProblemTypes.SECAGG_START_AGAIN, "session s1 of round 1 is over"))
        .serve(model(0, RunState.TRAINING, SECURE))
        .serve(model(1, RunState.COMPLETED, SECURE));

    runWorker(false, 2, 0);

    assertThat(aggregator.keySessions).as("keys for the first session only").containsExactly("s1");
    assertThat(aggregator.maskedUpdates).isEmpty();
    assertThat(tracker.state()).isEqualTo(ClientState.REFUSED);
    assertThat(tracker.snapshot().lastError()).contains("session s2").contains("FL_MIN_SECAGG_THRESHOLD=2");
  }
}
