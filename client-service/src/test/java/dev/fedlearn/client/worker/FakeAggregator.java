package dev.fedlearn.client.worker;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A scripted aggregator: it serves the queued models in order (each {@link #fetchModel} takes the next one) and
 * records every call. Failures can be queued per call kind; without one, a call succeeds.
 *
 * <p>Secure aggregation: each {@link #secAggPlan} takes the next queued session ({@link #serveSecAgg}); every step
 * closes at once, with the clients that sent to the session so far (one client alone runs the whole protocol with
 * threshold 1).
 */
class FakeAggregator implements AggregatorClient {
  /** Thrown when the loop asks for more models than the script has: ends a runaway loop and fails the test. */
  static final class ScriptExhausted extends Error {
    private static final long serialVersionUID = 1L;

    ScriptExhausted() {
      super("the worker asked for more models than the script has");
    }
  }

  record Call<T>(int round, T body) {}

  private final Deque<Supplier<GlobalModel>> models = new ArrayDeque<>();
  private final Deque<RuntimeException> registerFailures = new ArrayDeque<>();
  private final Deque<RuntimeException> updateFailures = new ArrayDeque<>();
  private final Deque<RuntimeException> evaluationFailures = new ArrayDeque<>();

  final List<ClientRegistration> registrations = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> polledAfter = Collections.synchronizedList(new ArrayList<>());
  /** Every update the worker tried to send, accepted or not. */
  final List<Call<ClientUpdate>> updateAttempts = Collections.synchronizedList(new ArrayList<>());
  final List<Call<ClientUpdate>> updates = Collections.synchronizedList(new ArrayList<>());
  final List<Call<EvaluationReport>> evaluationAttempts = Collections.synchronizedList(new ArrayList<>());
  final List<Call<EvaluationReport>> evaluations = Collections.synchronizedList(new ArrayList<>());
  /** Rounds whose update (or score) of this client the aggregator holds: reported back as a real one does. */
  private final java.util.Set<Integer> held = new java.util.HashSet<>();
  private final java.util.Set<Integer> scored = new java.util.HashSet<>();

  private final Deque<SecAggPlan> secAggPlans = new ArrayDeque<>();
  private final Deque<RuntimeException> secAggKeysFailures = new ArrayDeque<>();
  private final Map<String, List<KeyAdvertisement>> keysBySession = new HashMap<>();
  private final Map<String, List<String>> maskedBySession = new HashMap<>();
  /** Every secure aggregation session the worker read, in order. */
  final List<Call<SecAggPlan>> secAggPlansRead = Collections.synchronizedList(new ArrayList<>());
  /** The sessions the worker sent its public keys to, in order. */
  final List<String> keySessions = Collections.synchronizedList(new ArrayList<>());
  /** Every masked update the worker sent, with its session. */
  final List<Call<MaskedUpdate>> maskedUpdates = Collections.synchronizedList(new ArrayList<>());
  final List<String> maskedSessions = Collections.synchronizedList(new ArrayList<>());
  final List<Call<UnmaskingShares>> unmaskings = Collections.synchronizedList(new ArrayList<>());
  final List<Call<SecAggComplaint>> complaints = Collections.synchronizedList(new ArrayList<>());
  /** Shares handed to the client in step 2 (none by default: a client alone gets none). */
  final List<EncryptedShare> sharesForTheClient = Collections.synchronizedList(new ArrayList<>());
  /** Extra advertisements forwarded with the client's own in step 1. */
  final List<KeyAdvertisement> otherKeys = Collections.synchronizedList(new ArrayList<>());
  private final List<RuntimeException> secAggUnmaskFailures = new ArrayList<>();

  private final Deque<Integer> registeredRuns = new ArrayDeque<>();

  /** The runs the next registrations are answered with, in order (none: the answer names no run). */
  FakeAggregator registerInRuns(Integer... runs) {
    registeredRuns.addAll(List.of(runs));
    return this;
  }

  FakeAggregator serve(GlobalModel model) {
    models.add(() -> model);
    return this;
  }

  /** Serves the model after forgetting every update and score it held (it restarted and lost them). */
  FakeAggregator serveAfterForgetting(GlobalModel model) {
    models.add(() -> {
      held.clear();
      scored.clear();
      return model;
    });
    return this;
  }

  FakeAggregator failFetch(RuntimeException e) {
    models.add(() -> {
      throw e;
    });
    return this;
  }

  FakeAggregator failRegister(RuntimeException e) {
    registerFailures.add(e);
    return this;
  }

  FakeAggregator failUpdate(RuntimeException e) {
    updateFailures.add(e);
    return this;
  }

  FakeAggregator failEvaluation(RuntimeException e) {
    evaluationFailures.add(e);
    return this;
  }

  /** Queues a secure aggregation session: the next {@link #secAggPlan} answers it. */
  FakeAggregator serveSecAgg(SecAggPlan plan) {
    secAggPlans.add(plan);
    return this;
  }

  /** Queues a failure of the next step 4 (the client's unmasking shares). */
  FakeAggregator failSecAggUnmask(RuntimeException e) {
    secAggUnmaskFailures.add(e);
    return this;
  }

  /** Queues a failure of the next step 1 (the client's public keys). */
  FakeAggregator failSecAggKeys(RuntimeException e) {
    secAggKeysFailures.add(e);
    return this;
  }

  static AggregatorUnavailableException unreachable() {
    return new AggregatorUnavailableException("POST /x failed: ConnectException: Connection refused", null);
  }

  /** What the client's HTTP layer throws when nothing listens on the aggregator's port. */
  static AggregatorUnavailableException refused() {
    return new AggregatorUnavailableException("POST /x failed: ConnectException",
        new org.springframework.web.client.ResourceAccessException("I/O error",
            new java.net.ConnectException("Connection refused")), true);
  }

  static AggregatorRejectedException rejected(int status) {
    return new AggregatorRejectedException(status, "answered HTTP " + status, "status " + status);
  }

  /** A 409 whose problem has the type {@code type} (null: none) and the text {@code detail}. */
  static AggregatorRejectedException problem(String type, String detail) {
    return new AggregatorRejectedException(409, "answered HTTP 409: " + detail, detail, type);
  }

  @Override
  public synchronized RunStatus register(ClientRegistration registration) {
    registrations.add(registration);
    throwNext(registerFailures);
    RunStatus status = new RunStatus(RunState.WAITING_FOR_CLIENTS, 0, 3, registrations.size(), 1, 0, 1, null, null,
        null, null, null);
    Integer run = registeredRuns.poll();
    return run == null ? status : status.withRun(run);
  }

  @Override
  public synchronized GlobalModel fetchModel(int afterRound, int waitSeconds) {
    polledAfter.add(afterRound);
    Supplier<GlobalModel> next = models.poll();
    if (next == null) {
      throw new ScriptExhausted();
    }
    GlobalModel model = next.get();
    return model.withProgress(model.submitted() || held.contains(model.round() + 1),
        model.evaluated() || scored.contains(model.round()));
  }

  @Override
  public synchronized void submitUpdate(int round, ClientUpdate update) {
    updateAttempts.add(new Call<>(round, update));
    throwNext(updateFailures, () -> held.add(round));
    held.add(round);
    updates.add(new Call<>(round, update));
  }

  final List<Call<dev.fedlearn.protocol.PersonalizedReport>> personalized =
      Collections.synchronizedList(new ArrayList<>());

  @Override
  public synchronized void submitPersonalized(int round, dev.fedlearn.protocol.PersonalizedReport report) {
    personalized.add(new Call<>(round, report));
  }

  /** The local models the worker uploaded for cross-site evaluation. */
  final List<ClientUpdate> localModels = Collections.synchronizedList(new ArrayList<>());
  /** How many times the worker fetched the cross-site evaluation's models. */
  final List<Integer> crossSiteFetches = Collections.synchronizedList(new ArrayList<>());
  final List<dev.fedlearn.protocol.CrossSiteScores> crossSiteScores = Collections.synchronizedList(new ArrayList<>());
  private final Deque<RuntimeException> crossSiteFailures = new ArrayDeque<>();
  private dev.fedlearn.protocol.CrossSiteModels crossSiteModels;

  /** The models {@link #crossSiteModels()} answers. */
  FakeAggregator crossSiteModels(dev.fedlearn.protocol.CrossSiteModels models) {
    crossSiteModels = models;
    return this;
  }

  /** Queues a failure of the next cross-site call (an upload, a fetch of the models or a row). */
  FakeAggregator failCrossSite(RuntimeException e) {
    crossSiteFailures.add(e);
    return this;
  }

  @Override
  public synchronized void uploadLocalModel(ClientUpdate model) {
    throwNext(crossSiteFailures);
    localModels.add(model);
  }

  @Override
  public synchronized dev.fedlearn.protocol.CrossSiteModels crossSiteModels() {
    crossSiteFetches.add(crossSiteFetches.size() + 1);
    throwNext(crossSiteFailures);
    return crossSiteModels;
  }

  @Override
  public synchronized void submitCrossSiteScores(dev.fedlearn.protocol.CrossSiteScores scores) {
    throwNext(crossSiteFailures);
    crossSiteScores.add(scores);
  }

  @Override
  public synchronized void submitEvaluation(int round, EvaluationReport report) {
    evaluationAttempts.add(new Call<>(round, report));
    throwNext(evaluationFailures, () -> scored.add(round));
    scored.add(round);
    evaluations.add(new Call<>(round, report));
  }

  @Override
  public synchronized SecAggPlan secAggPlan(int round) {
    SecAggPlan plan = secAggPlans.poll();
    if (plan == null) {
      throw new ScriptExhausted();
    }
    secAggPlansRead.add(new Call<>(round, plan));
    return plan;
  }

  @Override
  public synchronized void secAggKeys(int round, String session, KeyAdvertisement keys) {
    keySessions.add(session);
    throwNext(secAggKeysFailures);
    keysBySession.computeIfAbsent(session, s -> new ArrayList<>()).add(keys);
  }

  @Override
  public synchronized List<KeyAdvertisement> secAggKeysOf(int round, String session, int waitSeconds) {
    List<KeyAdvertisement> all = new ArrayList<>(keysBySession.getOrDefault(session, List.of()));
    all.addAll(otherKeys);
    return all;
  }

  @Override
  public synchronized void secAggShares(int round, String session, SecAggShares shares) {
    // one client alone sends no shares to others: nothing to route
  }

  @Override
  public synchronized List<EncryptedShare> secAggSharesFor(int round, String session, String clientId,
      int waitSeconds) {
    return List.copyOf(sharesForTheClient);
  }

  @Override
  public synchronized void secAggMasked(int round, String session, MaskedUpdate update) {
    maskedUpdates.add(new Call<>(round, update));
    maskedSessions.add(session);
    maskedBySession.computeIfAbsent(session, s -> new ArrayList<>()).add(update.clientId());
  }

  @Override
  public synchronized List<String> secAggSurvivors(int round, String session, int waitSeconds) {
    return List.copyOf(maskedBySession.getOrDefault(session, List.of()));
  }

  @Override
  public synchronized void secAggComplaint(int round, String session, SecAggComplaint complaint) {
    complaints.add(new Call<>(round, complaint));
  }

  @Override
  public synchronized void secAggUnmask(int round, String session, UnmaskingShares answer) {
    unmaskings.add(new Call<>(round, answer));
    if (!secAggUnmaskFailures.isEmpty()) {
      throw secAggUnmaskFailures.remove(0);
    }
  }

  @Override
  public RunStatus status() {
    return new RunStatus(RunState.FAILED, 1, 3, 1, 1, 0, 1, null, "a client sent NaN weights", null, null, null);
  }

  @Override
  public String baseUrl() {
    return "http://fake";
  }

  private static void throwNext(Deque<RuntimeException> failures) {
    throwNext(failures, () -> { });
  }

  /** Throws the next queued failure; a 409 means the aggregator has it already, so {@code onConflict} runs. */
  private static void throwNext(Deque<RuntimeException> failures, Runnable onConflict) {
    RuntimeException e = failures.poll();
    if (e != null) {
      if (e instanceof AggregatorRejectedException r && r.status() == 409) {
        onConflict.run();
      }
      throw e;
    }
  }
}
