package dev.fedlearn.aggregator.run;

import dev.fedlearn.fl.AggregationException;
import dev.fedlearn.fl.ClientResult;
import dev.fedlearn.fl.Strategy;
import dev.fedlearn.nn.Evaluation;
import dev.fedlearn.nn.LayerSizes;
import dev.fedlearn.nn.Model;
import dev.fedlearn.nn.TrainingConfig;
import dev.fedlearn.wire.ClientRegistration;
import dev.fedlearn.wire.ClientUpdate;
import dev.fedlearn.wire.EvaluationReport;
import dev.fedlearn.wire.GlobalModel;
import dev.fedlearn.wire.RunState;
import dev.fedlearn.wire.RunStatus;
import dev.fedlearn.wire.TrainingPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's state machine and its only owner of state. Clients register; when the expected number has, round 1
 * opens. A round accepts one update per registered client; the last one triggers the aggregation (the strategy),
 * the new global model is scored on the held-out test set, and the next round opens (or the run completes).
 * Clients report their score of each round's global model on their local test split. Every method is atomic
 * (one lock), and a request is checked completely before it changes anything.
 *
 * <p>{@code settings} are what defines the run (rounds, clients, training plan, network, test set): a stored run is
 * resumed only with the same ones. The operational rules (quorum, deadlines, bounds) may change between restarts.
 */
public final class RunCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  /** A registered client. */
  public record Client(String clientId, int trainSamples, int testSamples, Instant registeredAt) {}

  /** Everything the workbook shows, copied under the lock. */
  public record Snapshot(RunStatus status, Map<String, String> settings, List<Client> clients,
      List<RoundView> rounds, LayerSizes layerSizes, List<float[]> modelHistory, List<Evaluation> historyScores) {}

  private final RunRules rules;
  private final int rounds;
  private final int expectedClients;
  private final TrainingConfig training;
  private final Strategy strategy;
  private final Function<Model, Evaluation> scorer;
  private final Clock clock;
  private final Map<String, String> settings;
  private final RunStore store;
  private final List<Consumer<RunState>> listeners = new CopyOnWriteArrayList<>();

  private RunState state = RunState.WAITING_FOR_CLIENTS;
  private String message;
  private String refusal; // why this aggregator serves no run; null when it serves one
  private final Map<String, Client> clients = new TreeMap<>();
  private Model global;
  private int completed;
  private final List<Round> history = new ArrayList<>();
  private final List<float[]> models = new ArrayList<>(); // global model after each round, [0] = initial
  private final List<Evaluation> scores = new ArrayList<>(); // their test-set scores

  private static final class Round {
    final int number;
    final Instant startedAt;
    Instant endedAt;
    final Map<String, ClientUpdate> updates = new TreeMap<>();
    final Map<String, Instant> receivedAt = new TreeMap<>();
    final Map<String, RoundView.Evaluation> evaluations = new TreeMap<>();
    Evaluation score;

    Round(int number, Instant startedAt) {
      this.number = number;
      this.startedAt = startedAt;
    }
  }

  public RunCoordinator(RunRules rules, Model initial, TrainingConfig training, Strategy strategy,
      Function<Model, Evaluation> scorer, Clock clock, Map<String, String> settings, RunStore store) {
    this.rules = rules;
    this.rounds = rules.rounds();
    this.expectedClients = rules.clients();
    this.global = initial.copy();
    this.training = training;
    this.strategy = strategy;
    this.scorer = scorer;
    this.clock = clock;
    this.settings = new LinkedHashMap<>(settings);
    this.store = store;
    Optional<RunStore.Stored> stored = store.load();
    if (stored.isPresent() && !stored.get().settings().equals(this.settings.toString())) {
      refuse(stored.get().settings());
      return;
    }
    if (stored.isPresent()) {
      restore(stored.get());
      return;
    }
    Evaluation initialScore = scorer.apply(global);
    Instant now = now();
    store.begin(this.settings.toString(), state.name(), new RunStore.StoredRound(0, now, now,
        initialScore.accuracy(), initialScore.loss(), global.params()), now);
    models.add(global.params().clone());
    scores.add(initialScore);
    log.info("run of {} rounds for {} clients, {} epochs per round; initial model scores {} on the test set",
        rounds, expectedClients, training.epochs(), pct(initialScore.accuracy()));
    log.info("waiting for {} clients to register", expectedClients);
  }

  /**
   * The store holds a run with other settings: this aggregator serves no run. It says why in its status, its
   * health and every refusal, and leaves the store as it is, so a restart with the stored settings resumes it.
   */
  private void refuse(String storedSettings) {
    refusal = "the state folder holds a run with other settings (" + differences(storedSettings, settings)
        + "): start with the stored settings to resume it, or move the state folder (FL_STATE_DIR; in compose: "
        + "docker compose down -v) away to start a new run";
    state = RunState.FAILED;
    message = "not started: " + refusal;
    models.add(global.params().clone());
    scores.add(scorer.apply(global));
    log.error("not started: {}", refusal);
  }

  /** The settings that differ, as {@code name: stored S, now N}, from the stored {@code Map.toString()} form. */
  public static String differences(String stored, Map<String, String> now) {
    Map<String, String> before = new LinkedHashMap<>();
    String body = stored.startsWith("{") && stored.endsWith("}") ? stored.substring(1, stored.length() - 1) : stored;
    for (String entry : body.split(", (?=[A-Za-z]+=)")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        before.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      String was = before.remove(e.getKey());
      if (!e.getValue().equals(was)) {
        changed.add(e.getKey() + ": stored " + (was == null ? "none" : was) + ", now " + e.getValue());
      }
    }
    before.forEach((k, v) -> changed.add(k + ": stored " + v + ", now none"));
    return String.join("; ", changed);
  }

  /** Why this aggregator serves no run (it was started with other settings than its stored run's), if it does not. */
  public synchronized Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  private void serving() {
    if (refusal != null) {
      throw new ApiException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE, "Run not started", refusal);
    }
  }

  /** The run as the store kept it: the same rounds, models, updates and scores, and the same open round. */
  private void restore(RunStore.Stored s) {
    state = RunState.valueOf(s.state());
    message = s.message();
    for (RunStore.StoredClient c : s.clients()) {
      clients.put(c.clientId(), new Client(c.clientId(), c.trainSamples(), c.testSamples(), c.registeredAt()));
    }
    for (RunStore.StoredRound r : s.rounds()) {
      Evaluation score = r.accuracy() == null ? null : new Evaluation(0, r.loss(), r.accuracy());
      if (r.round() > 0) {
        Round round = new Round(r.round(), r.startedAt());
        round.endedAt = r.endedAt();
        round.score = score;
        history.add(round);
      }
      if (r.model() != null) {
        models.add(r.model());
        scores.add(score);
        completed = r.round();
      }
    }
    global = new Model(global.sizes(), models.get(models.size() - 1).clone());
    int[] shape = global.sizes().toArray();
    for (RunStore.StoredUpdate u : s.updates()) {
      Round round = history.get(u.round() - 1);
      round.updates.put(u.clientId(), new ClientUpdate(u.clientId(), u.numSamples(), shape, u.weights(),
          u.trainLoss(), u.trainAccuracy()));
      round.receivedAt.put(u.clientId(), u.receivedAt());
    }
    for (RunStore.StoredEvaluation e : s.evaluations()) {
      history.get(e.round() - 1).evaluations.put(e.clientId(), new RoundView.Evaluation(e.clientId(), e.numSamples(),
          e.loss(), e.accuracy(), e.receivedAt()));
    }
    Round open = openRound();
    log.info("resumed the stored run: {}, {} of {} rounds done, {} clients{}", state, completed, rounds,
        clients.size(), open == null ? "" : "; round " + open.number + " open with " + open.updates.size()
            + " of " + expectedClients + " updates");
    if (open != null && open.updates.size() == expectedClients) {
      synchronized (this) {
        aggregate(open); // the process stopped between the last update and the aggregation
      }
    }
  }

  public synchronized RunStatus register(ClientRegistration r) {
    serving();
    if (r == null || r.clientId() == null || r.clientId().isBlank()) {
      throw ApiException.badRequest("clientId is required");
    }
    String id = r.clientId();
    if (id.length() > 100 || !id.matches("[A-Za-z0-9._-]+")) {
      throw ApiException.badRequest("clientId must be 1-100 letters, digits, '.', '_' or '-', got '" + id + "'");
    }
    if (r.trainSamples() < 1 || r.testSamples() < 0) {
      throw ApiException.badRequest("trainSamples must be positive and testSamples not negative, got "
          + r.trainSamples() + " and " + r.testSamples());
    }
    Client known = clients.get(id);
    if (known != null) {
      log.info("client {} registered again", id);
      return status();
    }
    if (state == RunState.COMPLETED || state == RunState.FAILED) {
      throw ApiException.conflict("Run is over", "the run is " + state + "; no new clients are taken");
    }
    if (clients.size() >= expectedClients) {
      throw ApiException.conflict("Run is full", "the run already has its " + expectedClients + " clients "
          + clients.keySet());
    }
    Instant now = now();
    Client client = new Client(id, r.trainSamples(), r.testSamples(), now);
    boolean starts = clients.size() + 1 == expectedClients && state == RunState.WAITING_FOR_CLIENTS;
    store.clientRegistered(new RunStore.StoredClient(id, r.trainSamples(), r.testSamples(), now),
        (starts ? RunState.TRAINING : state).name(), starts ? opening(1, now) : null);
    clients.put(id, client);
    log.info("client {} registered ({} train / {} test samples): {}/{}", id, r.trainSamples(), r.testSamples(),
        clients.size(), expectedClients);
    if (starts) {
      state = RunState.TRAINING;
      openRound(1, now);
    }
    changed();
    return status();
  }

  /** The clock, to the microsecond: the precision the store keeps, so a resumed run reads back what it had. */
  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private static RunStore.StoredRound opening(int number, Instant now) {
    return new RunStore.StoredRound(number, now, null, null, null, null);
  }

  private void openRound(int number, Instant now) {
    history.add(new Round(number, now));
    log.info("round {}/{} open: waiting for {} updates", number, rounds, expectedClients);
    notifyAll();
  }

  /**
   * The current global model once it is news for a client that has seen {@code after}: held up to {@code wait}
   * while the run waits for clients or has no newer model, then returned as it is.
   */
  public synchronized GlobalModel awaitModel(int after, Duration wait, String clientId)
      throws InterruptedException {
    GlobalModel model = awaitModel(after, wait);
    if (clientId == null) {
      return model;
    }
    Progress progress = progressOf(clientId, model.round());
    return model.withProgress(progress.submitted(), progress.evaluated());
  }

  public synchronized GlobalModel awaitModel(int after, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!(state == RunState.COMPLETED || state == RunState.FAILED
        || (state == RunState.TRAINING && completed > after))) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return GlobalModel.of(completed, rounds, state, global, TrainingPlan.of(training));
  }

  public synchronized RunStatus submitUpdate(int round, ClientUpdate u) {
    serving();
    if (u == null || u.clientId() == null) {
      throw ApiException.badRequest("clientId is required");
    }
    Client client = clients.get(u.clientId());
    if (client == null) {
      throw ApiException.notFound("Unknown client", "client " + u.clientId() + " is not registered");
    }
    Round open = openRound();
    if (open == null || round != open.number) {
      throw ApiException.conflict("Round not open", "round " + round + " is not open"
          + (open == null ? "; the run is " + state : "; the open round is " + open.number));
    }
    if (open.updates.containsKey(u.clientId())) {
      throw ApiException.conflict("Duplicate update", "client " + u.clientId() + " already sent its update for round "
          + round);
    }
    checkUpdate(client, u);
    Instant now = now();
    store.updateAccepted(new RunStore.StoredUpdate(round, u.clientId(), u.numSamples(), u.trainLoss(),
        u.trainAccuracy(), now, u.weights()));
    open.updates.put(u.clientId(), u);
    open.receivedAt.put(u.clientId(), now);
    log.info("round {}: update from {} ({} samples, train accuracy {}): {}/{}", round, u.clientId(), u.numSamples(),
        pct(u.trainAccuracy()), open.updates.size(), expectedClients);
    if (open.updates.size() == expectedClients) {
      aggregate(open);
    }
    changed();
    return status();
  }

  private void checkUpdate(Client client, ClientUpdate u) {
    if (u.numSamples() < 1 || u.numSamples() > client.trainSamples()) {
      throw ApiException.badRequest("numSamples must be between 1 and the " + client.trainSamples()
          + " training samples client " + client.clientId() + " registered, got " + u.numSamples());
    }
    LayerSizes sizes = global.sizes();
    if (u.layerSizes() == null || !Arrays.equals(u.layerSizes(), sizes.toArray())) {
      throw ApiException.badRequest("layerSizes must be " + sizes + ", got "
          + (u.layerSizes() == null ? "none" : Arrays.toString(u.layerSizes())));
    }
    float[] w = u.weights();
    if (w == null || w.length != sizes.parameterCount()) {
      throw ApiException.badRequest("weights must hold " + sizes.parameterCount() + " numbers, got "
          + (w == null ? "none" : w.length));
    }
    double squares = 0;
    for (int j = 0; j < w.length; j++) {
      if (!Float.isFinite(w[j])) {
        throw ApiException.badRequest("weight " + j + " (" + sizes.describe(j) + ") is " + w[j]
            + "; weights must be finite");
      }
      squares += (double) w[j] * w[j];
    }
    double norm = Math.sqrt(squares);
    if (norm > rules.maxWeightNorm()) {
      throw ApiException.badRequest(String.format(Locale.ROOT, "the weights' L2 norm %.4g is above the bound %.4g "
          + "(FL_MAX_WEIGHT_NORM)", norm, rules.maxWeightNorm()));
    }
    if (!Double.isFinite(u.trainLoss()) || !(u.trainAccuracy() >= 0 && u.trainAccuracy() <= 1)) {
      throw ApiException.badRequest("trainLoss must be finite and trainAccuracy in [0, 1], got " + u.trainLoss()
          + " and " + u.trainAccuracy());
    }
  }

  private void aggregate(Round open) {
    List<ClientResult> results = new ArrayList<>();
    for (ClientUpdate u : open.updates.values()) {
      results.add(new ClientResult(u.clientId(), u.weights(), u.numSamples()));
    }
    Model next;
    try {
      // the strategy's state is not stored yet: right for the stateless FedAvg the services run today
      next = strategy.aggregate(open.number, global, results, List.of(), Map.of()).model();
    } catch (AggregationException e) {
      fail("round " + open.number + " could not be aggregated: " + e.getMessage());
      return;
    }
    Evaluation score = scorer.apply(next);
    Instant now = now();
    boolean last = open.number == rounds;
    store.roundClosed(new RunStore.StoredRound(open.number, open.startedAt, now, score.accuracy(), score.loss(),
        next.params()), (last ? RunState.COMPLETED : RunState.TRAINING).name(),
        last ? null : opening(open.number + 1, now));
    global = next;
    completed = open.number;
    open.score = score;
    open.endedAt = now;
    models.add(next.params().clone());
    scores.add(score);
    for (ClientUpdate u : open.updates.values()) { // the weights are in the global model now
      open.updates.put(u.clientId(), new ClientUpdate(u.clientId(), u.numSamples(), u.layerSizes(), null,
          u.trainLoss(), u.trainAccuracy()));
    }
    log.info("round {}/{} aggregated ({}): global test accuracy {}, loss {}", open.number, rounds, strategy.name(),
        pct(score.accuracy()), String.format(Locale.ROOT, "%.4f", score.loss()));
    if (completed == rounds) {
      state = RunState.COMPLETED;
      log.info("run completed: {} rounds, final global test accuracy {}", rounds, pct(score.accuracy()));
      notifyAll();
    } else {
      openRound(completed + 1, now);
    }
  }

  /**
   * Enforces the round's deadline (called twice a second by {@code RoundDeadlines}): at {@code roundTimeout} a round with the quorum is
   * aggregated with whoever reported; below the quorum it waits for late clients until {@code maxRoundWait}, then
   * the run fails with the reason.
   */
  public synchronized void tick() {
    Round open = openRound();
    if (open == null) {
      return;
    }
    Duration elapsed = Duration.between(open.startedAt, now());
    if (elapsed.compareTo(rules.roundTimeout()) < 0) {
      return;
    }
    List<String> missing = missing(open);
    if (open.updates.size() >= rules.minClients()) {
      log.warn("round {} deadline ({}): aggregating the {} updates received, without {}", open.number,
          rules.roundTimeout(), open.updates.size(), missing);
      aggregate(open);
      changed();
    } else if (elapsed.compareTo(rules.maxRoundWait()) >= 0) {
      fail("round " + open.number + " had " + open.updates.size() + " of the " + rules.minClients()
          + " updates it needs after " + rules.maxRoundWait() + " (FL_MAX_ROUND_WAIT); missing " + missing);
    }
  }

  private List<String> missing(Round open) {
    List<String> missing = new ArrayList<>(clients.keySet());
    missing.removeAll(open.updates.keySet());
    return missing;
  }

  /** What the aggregator holds from one client: its update for the open round, its score of a round's model. */
  record Progress(boolean submitted, boolean evaluated) {}

  synchronized Progress progressOf(String clientId, int round) {
    Round open = openRound();
    boolean submitted = open != null && open.updates.containsKey(clientId);
    boolean evaluated = round >= 1 && round <= history.size()
        && history.get(round - 1).evaluations.containsKey(clientId);
    return new Progress(submitted, evaluated);
  }

  private void fail(String reason) {
    store.failed(RunState.FAILED.name(), reason);
    state = RunState.FAILED;
    message = reason;
    log.error("run failed: {}", reason);
    notifyAll();
    changed();
  }

  public synchronized RunStatus submitEvaluation(int round, EvaluationReport e) {
    serving();
    if (e == null || e.clientId() == null) {
      throw ApiException.badRequest("clientId is required");
    }
    Client client = clients.get(e.clientId());
    if (client == null) {
      throw ApiException.notFound("Unknown client", "client " + e.clientId() + " is not registered");
    }
    if (round < 1 || round > completed) {
      throw ApiException.notFound("No such round", "round " + round + " has no global model"
          + (completed == 0 ? " yet" : "; rounds 1.." + completed + " have"));
    }
    Round r = history.get(round - 1);
    if (r.evaluations.containsKey(e.clientId())) {
      throw ApiException.conflict("Duplicate evaluation", "client " + e.clientId()
          + " already scored the global model of round " + round);
    }
    if (e.numSamples() < 1 || !Double.isFinite(e.loss()) || e.loss() < 0 || !(e.accuracy() >= 0 && e.accuracy() <= 1)) {
      throw ApiException.badRequest("an evaluation needs numSamples >= 1, a finite loss >= 0 and accuracy in [0, 1]");
    }
    Instant now = now();
    store.evaluationReceived(new RunStore.StoredEvaluation(round, e.clientId(), e.numSamples(), e.loss(),
        e.accuracy(), now));
    r.evaluations.put(e.clientId(), new RoundView.Evaluation(e.clientId(), e.numSamples(), e.loss(), e.accuracy(),
        now));
    log.info("round {}: {} scores the global model {} on its {} local test samples", round, e.clientId(),
        pct(e.accuracy()), e.numSamples());
    changed();
    return status();
  }

  private Round openRound() {
    if (state != RunState.TRAINING || history.isEmpty()) {
      return null;
    }
    Round last = history.get(history.size() - 1);
    return last.endedAt == null ? last : null;
  }

  public synchronized RunStatus status() {
    Round open = openRound();
    Evaluation latest = scores.get(scores.size() - 1);
    String msg = message;
    if (msg == null && state == RunState.WAITING_FOR_CLIENTS) {
      msg = "waiting for " + (expectedClients - clients.size()) + " more client(s) to register";
    } else if (msg == null && open != null) {
      Duration elapsed = Duration.between(open.startedAt, now());
      msg = "round " + open.number + " waiting for " + missing(open) + "; "
          + (elapsed.compareTo(rules.roundTimeout()) < 0
              ? "deadline in " + rules.roundTimeout().minus(elapsed).toSeconds() + " s"
              : "past its deadline, below the quorum of " + rules.minClients() + ": waiting up to "
                  + rules.maxRoundWait().minus(elapsed).toSeconds() + " s more");
    }
    return new RunStatus(state, completed, rounds, clients.size(), expectedClients,
        open == null ? 0 : open.updates.size(), open == null ? 0 : expectedClients,
        new RunStatus.Latest(completed, latest.accuracy(), latest.loss()), msg, null);
  }

  public synchronized List<RoundView> rounds() {
    List<RoundView> views = new ArrayList<>();
    for (Round r : history) {
      views.add(view(r));
    }
    return views;
  }

  public synchronized RoundView round(int number) {
    if (number < 1 || number > history.size()) {
      throw ApiException.notFound("No such round", "round " + number + " has not started; rounds 1.."
          + history.size() + " have");
    }
    return view(history.get(number - 1));
  }

  public synchronized Snapshot snapshot() {
    List<float[]> copies = new ArrayList<>(models); // arrays are never modified once stored
    Map<String, String> shown = new LinkedHashMap<>(settings);
    shown.put("minClients", Integer.toString(rules.minClients()));
    shown.put("roundTimeout", rules.roundTimeout().toString());
    shown.put("maxRoundWait", rules.maxRoundWait().toString());
    shown.put("maxWeightNorm", Double.toString(rules.maxWeightNorm()));
    return new Snapshot(status(), shown, new ArrayList<>(clients.values()), rounds(), global.sizes(), copies,
        new ArrayList<>(scores));
  }

  private RoundView view(Round r) {
    List<RoundView.Training> training = new ArrayList<>();
    for (ClientUpdate u : r.updates.values()) {
      training.add(new RoundView.Training(u.clientId(), u.numSamples(), u.trainLoss(), u.trainAccuracy(),
          r.receivedAt.get(u.clientId())));
    }
    List<RoundView.Evaluation> evals = new ArrayList<>(r.evaluations.values());
    Double mean = evals.isEmpty() ? null
        : evals.stream().mapToDouble(RoundView.Evaluation::accuracy).average().orElse(0);
    return new RoundView(r.number, r.endedAt == null ? RoundView.Status.OPEN : RoundView.Status.COMPLETED,
        new ArrayList<>(r.updates.keySet()), r.score == null ? null : r.score.accuracy(),
        r.score == null ? null : r.score.loss(), mean, training, evals, r.startedAt, r.endedAt,
        r.endedAt == null ? null : Duration.between(r.startedAt, r.endedAt).toMillis() / 1000.0);
  }

  /**
   * Adds a listener told the run's state after every change of the run (a registration, an update, an aggregation,
   * an evaluation, a failure). It is called under the run's lock: hand long work to another thread. A listener added
   * after a change does not hear of it: read the run's state when adding it.
   */
  public void addListener(Consumer<RunState> listener) {
    listeners.add(listener);
  }

  private void changed() {
    for (Consumer<RunState> listener : listeners) {
      listener.accept(state);
    }
  }

  /** The current global model (a copy). */
  public synchronized Model globalModel() {
    return global.copy();
  }

  private static String pct(double a) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * a);
  }
}
