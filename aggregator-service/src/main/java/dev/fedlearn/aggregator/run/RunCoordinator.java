package dev.fedlearn.aggregator.run;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.privacy.ParticipationAccountant;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's state machine. Clients register; when the expected number has, round 1 opens. A round accepts one update
 * per registered client; the last one triggers the aggregation (the strategy), the new global model is scored on the
 * held-out test set, and the next round opens (or the run completes). Clients report their score of each round's
 * global model on their local test split. Every change is atomic (one lock): a request is checked completely
 * ({@link RequestChecks}, then against the run's state), written to the store, and only then applied to the record
 * ({@link RunLedger}); long polls wait on a {@link ModelBoard} of their own, outside the lock.
 *
 * <p>The {@link RunDefinition} is what defines the run: a stored run is resumed only with an equal one; with another
 * this aggregator serves no run and says why ({@link #refusal()}). The operational rules (quorum, deadlines, bounds)
 * may change between restarts.
 */
public final class RunCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  /** A registered client. */
  public record Client(String clientId, int trainSamples, int testSamples, Instant registeredAt) {}

  /**
   * Everything the workbook shows, copied under the lock; {@code privacy} gives the privacy spent after a number of
   * rounds (null without differential privacy); {@code privateRun}: no client's own figures or counts are shown.
   */
  public record Snapshot(RunStatus status, Map<String, String> settings, List<Client> clients,
      List<RoundView> rounds, LayerSizes layerSizes, java.util.SortedMap<Integer, float[]> modelHistory,
      List<Evaluation> historyScores, IntFunction<RunStatus.Privacy> privacy, boolean privateRun) {}

  final RunRules rules;
  final TrainingConfig training;
  private final Strategy strategy;
  private final ClientSampler sampler;
  private final RunStatus.StrategyInfo strategyInfo;
  private final IntFunction<RunStatus.Privacy> privacy; // the privacy spent after n rounds; null without DP
  /** Each client's rounds, for the most-exposed client's epsilon (no amplification); null without DP. */
  private final ParticipationAccountant accountant;
  private final Function<Model, Evaluation> scorer;
  private final Clock clock;
  private final RunDefinition definition;
  private final Map<String, String> settings; // the definition as the workbook shows it
  final RunStore store;
  private final List<Consumer<RunState>> listeners = new CopyOnWriteArrayList<>();
  final RunLedger run;
  final EventJournal events;
  private final ModelBoard board;
  private final String refusal; // why this aggregator serves no run; null when it serves one
  private final SecAggSettings secure; // null: plain updates
  private final RoundWorkflow workflow; // how the rounds collect their updates
  /** Secure aggregation or differential privacy: no client's own figures are taken or shown. */
  final boolean privateRun;

  /**
   * The run {@code definition} defines, aggregated by {@code strategy} (built from the definition, with its noise
   * source); its updates go through secure aggregation when the definition says so, each step after the key exchange
   * waiting up to {@code secAggStepTimeout}: the strategy then receives one result per round, the unmasked mean.
   */
  public RunCoordinator(RunRules rules, RunDefinition definition, Model initial, Strategy strategy,
      Function<Model, Evaluation> scorer, Clock clock, RunStore store, Duration secAggStepTimeout) {
    this.definition = definition;
    this.secure = definition.secureAggregation() == null ? null
        : new SecAggSettings(definition.secureAggregation().bound(), secAggStepTimeout, definition.privacy());
    if (secure != null) {
      SecureAggregation.check(strategy.name());
    }
    this.privateRun = definition.isPrivate();
    this.rules = rules;
    this.training = definition.trainingConfig();
    this.strategy = strategy;
    this.sampler = definition.sampling();
    this.strategyInfo = new RunStatus.StrategyInfo(strategy.name(), strategy.parameters(), sampler.fraction(),
        sampler.minClients());
    DifferentialPrivacy.Settings dp = definition.privacy();
    int picked = sampler.count(rules.clients());
    if (secure != null && dp != null) {
      dp.requireUnclipped(secure.bound(), picked);
    }
    this.accountant = dp == null ? null : secure != null ? dp.accountantUnderSecureAggregation(picked)
        : dp.accountant();
    this.privacy = accountant == null ? null : rounds -> {
      double epsilon = accountant.spentAfterRound(rounds).epsilon();
      return new RunStatus.Privacy(dp.clip(), dp.noise(), dp.delta(), 1.0, Double.isFinite(epsilon) ? epsilon : null);
    };
    this.scorer = scorer;
    this.clock = clock;
    this.settings = definition.flattened();
    this.workflow = secure == null ? new PlainRounds(this) : new SecureRounds(this, secure);
    this.store = store;
    this.events = new EventJournal(store, clock);
    Optional<RunStore.Stored> stored = store.load(round -> ModelRetention.keeps(round, rules.rounds()));
    String otherRun = stored.map(st -> otherRun(st.settings())).orElse(null);
    if (otherRun != null) {
      refusal = "the state folder holds " + otherRun + ": start with the stored settings to resume it, or move the "
          + "state folder (FL_STATE_DIR; in compose: docker compose down -v) away to start a new run";
      run = new RunLedger(initial, scorer.apply(initial));
      run.state = RunState.FAILED;
      run.message = "not started: " + refusal;
      log.error("not started: {}", refusal);
    } else if (stored.isPresent()) {
      refusal = null;
      run = RunLedger.restore(stored.get(), initial.sizes(), rules.rounds(), this::pick);
      RunLedger.Round open = run.openRound();
      String resumed = run.state + ", " + run.completed + " of " + rules.rounds() + " rounds done, "
          + run.clients.size() + " clients" + (open == null ? "" : "; round " + open.number + " open with "
              + open.updates.size() + " of " + open.picked.size() + " updates");
      log.info("resumed the stored run: {}", resumed);
      events.record(RunEvent.Type.RESTARTED, open == null ? null : open.number, null,
          "the aggregator restarted and resumed the stored run: " + resumed);
    } else {
      refusal = null;
      Evaluation initialScore = scorer.apply(initial);
      Instant now = now();
      store.begin(definition.toJson(), RunState.WAITING_FOR_CLIENTS.name(), new RunStore.StoredRound(0, now,
          now, initialScore.accuracy(), initialScore.loss(), initial.params()), now);
      run = new RunLedger(initial, initialScore);
      log.info("run of {} rounds for {} clients, {} epochs per round; initial model scores {} on the test set",
          rules.rounds(), rules.clients(), training.epochs(), pct(initialScore.accuracy()));
      log.info("waiting for {} clients to register", rules.clients());
      events.record(RunEvent.Type.STATE, 0, null, "run of " + rules.rounds() + " rounds for " + rules.clients()
          + " clients (" + strategy.name() + "), waiting for them to register; the initial model scores "
          + pct(initialScore.accuracy()) + " on the test set", Map.of("accuracy", initialScore.accuracy(), "loss",
          initialScore.loss()));
    }
    run.privateRun = privateRun;
    if (accountant != null) {
      for (int n = 1; n <= run.completed; n++) {
        accountant.record(released(run.history.get(n - 1)));
      }
    }
    board = new ModelBoard(current());
    synchronized (this) {
      RunLedger.Round open = run.openRound();
      if (open != null && open.updates.size() == open.picked.size()) {
        aggregate(open); // the process stopped between the last update and the aggregation
      } else if (open != null) {
        workflow.restarted(open, now());
      }
    }
  }

  /** What the stored run is when it is not this one ({@code settings} as stored), or null when it is. */
  private String otherRun(String settings) {
    RunDefinition was;
    try {
      was = RunDefinition.fromJson(settings);
    } catch (IllegalArgumentException e) {
      return "a run stored by an earlier release, whose settings this one cannot compare";
    }
    return was.equals(definition) ? null : "a run with other settings (" + was.differences(definition, "stored", "now")
        + ")";
  }

  /** The run's definition. */
  public RunDefinition definition() {
    return definition;
  }

  /** Why this aggregator serves no run (it was started with other settings than its stored run's), if it does not. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  void serving() {
    if (refusal != null) {
      throw new Refusal(Refusal.Kind.NOT_SERVING, "Run not started", refusal);
    }
  }

  public synchronized RunStatus register(ClientRegistration r) {
    serving();
    RequestChecks.registration(r);
    String id = r.clientId();
    if (run.clients.containsKey(id)) {
      log.info("client {} registered again", id);
      return status();
    }
    if (run.state == RunState.COMPLETED || run.state == RunState.FAILED) {
      throw Refusal.conflict("Run is over", "the run is " + run.state + "; no new clients are taken");
    }
    if (run.clients.size() >= rules.clients()) {
      throw Refusal.conflict("Run is full", "the run already has its " + rules.clients() + " clients "
          + run.clients.keySet());
    }
    if (r.trainSamples() > rules.maxClientSamples() || r.testSamples() > rules.maxClientSamples()) {
      throw Refusal.invalid("a client may register at most " + rules.maxClientSamples() + " training and test "
          + "samples each (FL_MAX_CLIENT_SAMPLES), got " + r.trainSamples() + " and " + r.testSamples());
    }
    if (secure != null && secure.dp() == null) {
      long total = r.trainSamples();
      for (Client c : run.clients.values()) {
        total += c.trainSamples();
      }
      try {
        dev.fedlearn.federation.secagg.FixedPoint.scale(secure.bound(), total);
      } catch (IllegalArgumentException e) {
        throw Refusal.invalid("secure aggregation cannot encode " + total + " training samples in all with "
            + "weights up to FL_SECAGG_BOUND " + secure.bound() + " in 32 bits: " + e.getMessage());
      }
    }
    Instant now = now();
    boolean starts = run.clients.size() + 1 == rules.clients() && run.state == RunState.WAITING_FOR_CLIENTS;
    store.clientRegistered(new RunStore.StoredClient(id, r.trainSamples(), r.testSamples(), now),
        (starts ? RunState.TRAINING : run.state).name(), starts ? opening(1, now) : null);
    run.clients.put(id, new Client(id, r.trainSamples(), r.testSamples(), now));
    log.info("client {} registered ({} train / {} test samples): {}/{}", id, r.trainSamples(), r.testSamples(),
        run.clients.size(), rules.clients());
    events.record(RunEvent.Type.REGISTERED, null, id, "client " + id + " registered" + (privateRun ? ""
        : " (" + r.trainSamples() + " train / " + r.testSamples() + " test samples)") + ": " + run.clients.size() + "/"
        + rules.clients());
    if (starts) {
      run.state = RunState.TRAINING;
      openRound(1, now);
    }
    changed();
    return status();
  }

  /** The clock, to the microsecond: the precision the store keeps, so a resumed run reads back what it had. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static RunStore.StoredRound opening(int number, Instant now) {
    return new RunStore.StoredRound(number, now, null, null, null, null);
  }

  private void openRound(int number, Instant now) {
    List<String> picked = pick(new ArrayList<>(run.clients.keySet()), number);
    run.history.add(new RunLedger.Round(number, now, picked));
    log.info("round {}/{} open: waiting for {} updates{}", number, rules.rounds(), picked.size(),
        picked.size() == run.clients.size() ? "" : " from " + picked);
    events.record(RunEvent.Type.OPENED, number, null, "round " + number + "/" + rules.rounds() + " open: "
        + picked.size() + " clients picked " + picked + ", deadline in " + rules.roundTimeout().toSeconds() + " s");
    workflow.opened(run.openRound(), now);
    board.post(current());
  }

  /** The clients that train round {@code number}: the sampler's pick, reproducible from the run's seed. */
  private List<String> pick(List<String> clients, int number) {
    return sampler.pick(clients, number, training.seed());
  }

  /** The model as the board shows it: the current global model, the run's state and the plan for the next round. */
  private GlobalModel current() {
    return GlobalModel.of(run.completed, rules.rounds(), run.state, run.global,
        TrainingPlan.of(training, strategy.proximalMu(), secure != null, privateRun));
  }

  /**
   * The current global model once it is news for a client that has seen {@code after}: held up to {@code wait}
   * while the run waits for clients or has no newer model, then returned as it is. With a {@code clientId}, it says
   * what the aggregator already holds from that client.
   */
  public java.util.concurrent.CompletableFuture<GlobalModel> awaitModel(int after, Duration wait, String clientId) {
    java.util.concurrent.CompletableFuture<GlobalModel> model = board.await(after, wait);
    if (clientId == null) {
      return model;
    }
    return model.thenApply(m -> {
      Progress progress = progressOf(clientId, m.round());
      return m.withProgress(progress.submitted(), progress.evaluated(), progress.picked());
    });
  }

  public java.util.concurrent.CompletableFuture<GlobalModel> awaitModel(int after, Duration wait) {
    return awaitModel(after, wait, null);
  }

  RunLedger.Round openRound(int round) {
    RunLedger.Round open = run.openRound();
    if (open == null || round != open.number) {
      throw Refusal.conflict("Round not open", "round " + round + " is not open"
          + (open == null ? "; the run is " + run.state : "; the open round is " + open.number));
    }
    return open;
  }

  void aggregate(RunLedger.Round open) {
    List<ClientResult> results = new ArrayList<>();
    for (ClientUpdate u : open.updates.values()) {
      results.add(new ClientResult(u.clientId(), u.weights(), u.numSamples()));
    }
    aggregate(open, results);
  }

  void aggregate(RunLedger.Round open, List<ClientResult> results) {
    Strategy.Aggregation next;
    try {
      next = strategy.aggregate(open.number, run.global, results, run.missing(open), run.strategyState);
    } catch (AggregationException e) {
      fail("round " + open.number + " could not be aggregated: " + e.getMessage());
      return;
    }
    Evaluation score = scorer.apply(next.model());
    close(open, next, score, "round " + open.number + " aggregated (" + strategy.name() + ", " + open.updates.size()
        + " updates)");
  }

  /**
   * Closes a round that cannot be aggregated without breaking a promise (its secure aggregation failed once shares
   * were revealed): the global model stays as it is, and the next round opens.
   */
  void closeWithoutUpdate(RunLedger.Round open, String why) {
    open.updates.clear();
    close(open, new Strategy.Aggregation(run.global, run.strategyState), run.scores.get(run.scores.size() - 1),
        "round " + open.number + " closed with no update: " + why);
  }

  /**
   * The clients whose data a closed round's model released, for the accountant: the picked ones (each may have sent
   * its update), or none when the round closed with no update.
   */
  private static List<String> released(RunLedger.Round round) {
    return round.updates.isEmpty() ? List.of() : round.picked;
  }

  /** Makes {@code next} the global model and closes the round; opens the next one, or completes the run. */
  private void close(RunLedger.Round open, Strategy.Aggregation next, Evaluation score, String what) {
    if (accountant != null) {
      accountant.record(released(open));
    }
    Instant now = now();
    boolean last = open.number == rules.rounds();
    store.roundClosed(new RunStore.StoredRound(open.number, open.startedAt, now, score.accuracy(), score.loss(),
        next.model().params(), next.state()), (last ? RunState.COMPLETED : RunState.TRAINING).name(),
        last ? null : opening(open.number + 1, now));
    run.global = next.model();
    run.strategyState = next.state();
    run.completed = open.number;
    open.score = score;
    open.endedAt = now;
    run.keep(open.number, next.model().params(), rules.rounds());
    run.scores.add(score);
    for (ClientUpdate u : open.updates.values()) { // the weights are in the global model now
      open.updates.put(u.clientId(), u.withoutWeights());
    }
    log.info("{} (of {} rounds): global test accuracy {}, loss {}", what, rules.rounds(), pct(score.accuracy()),
        String.format(Locale.ROOT, "%.4f", score.loss()));
    Duration took = Duration.between(open.startedAt, now);
    events.record(RunEvent.Type.AGGREGATED, open.number, null, what + ": global test accuracy "
        + pct(score.accuracy()) + ", loss " + String.format(Locale.ROOT, "%.4f", score.loss()), Map.of("accuracy",
        score.accuracy(), "loss", score.loss(), "seconds", took.toNanos() / 1e9));
    if (last) {
      run.state = RunState.COMPLETED;
      log.info("run completed: {} rounds, final global test accuracy {}", rules.rounds(), pct(score.accuracy()));
      events.record(RunEvent.Type.STATE, open.number, null, "run completed: " + rules.rounds()
          + " rounds, final global test accuracy " + pct(score.accuracy()));
      board.post(current());
    } else {
      openRound(run.completed + 1, now);
    }
  }

  /**
   * What the aggregator holds from one client: its update for the open round, its score of a round's model; and
   * whether it is picked for the open round (true when no round is open).
   */
  record Progress(boolean submitted, boolean evaluated, boolean picked) {}

  synchronized Progress progressOf(String clientId, int round) {
    RunLedger.Round open = run.openRound();
    boolean submitted = open != null && open.updates.containsKey(clientId);
    boolean evaluated = round >= 1 && round <= run.history.size()
        && run.history.get(round - 1).evaluations.containsKey(clientId);
    return new Progress(submitted, evaluated, open == null || open.picked.contains(clientId));
  }

  void fail(String reason) {
    store.failed(RunState.FAILED.name(), reason);
    run.state = RunState.FAILED;
    run.message = reason;
    log.error("run failed: {}", reason);
    events.record(RunEvent.Type.STATE, null, null, "run failed: " + reason);
    board.post(current());
    changed();
  }

  public synchronized RunStatus submitEvaluation(int round, EvaluationReport e) {
    serving();
    RequestChecks.named(e);
    Client client = run.clients.get(e.clientId());
    if (client == null) {
      throw Refusal.unknown("Unknown client", "client " + e.clientId() + " is not registered");
    }
    if (privateRun) {
      throw Refusal.conflict("Private run", "this run has secure aggregation or differential privacy: it takes "
          + "no client's own score, which would be outside the privacy guarantee");
    }
    if (round < 1 || round > run.completed) {
      throw Refusal.unknown("No such round", "round " + round + " has no global model"
          + (run.completed == 0 ? " yet" : "; rounds 1.." + run.completed + " have"));
    }
    RunLedger.Round r = run.history.get(round - 1);
    if (r.evaluations.containsKey(e.clientId())) {
      throw Refusal.conflict("Duplicate evaluation", "client " + e.clientId()
          + " already scored the global model of round " + round);
    }
    RequestChecks.evaluation(e, client.testSamples());
    Instant now = now();
    store.evaluationReceived(new RunStore.StoredEvaluation(round, e.clientId(), e.numSamples(), e.loss(),
        e.accuracy(), now));
    r.evaluations.put(e.clientId(), new RoundView.Evaluation(e.clientId(), e.numSamples(), e.loss(), e.accuracy(),
        now));
    log.info("round {}: {} scores the global model {} on its {} local test samples", round, e.clientId(),
        pct(e.accuracy()), e.numSamples());
    events.record(RunEvent.Type.EVALUATION, round, e.clientId(), e.clientId() + " scores the global model of round "
        + round + " " + pct(e.accuracy()) + " on its " + e.numSamples() + " local test samples",
        Map.of("accuracy", e.accuracy(), "loss", e.loss()));
    changed();
    return status();
  }

  public synchronized RunStatus status() {
    return run.status(rules, strategyInfo, privacy, now());
  }

  public synchronized List<RoundView> rounds() {
    return run.rounds(rules.roundTimeout());
  }

  public synchronized RoundView round(int number) {
    return run.round(number, rules.roundTimeout());
  }

  Client registered(String clientId) {
    Client client = clientId == null ? null : run.clients.get(clientId);
    if (client == null) {
      throw Refusal.unknown("Unknown client", "client " + clientId + " is not registered");
    }
    return client;
  }

  /** A registered client's update for the open round, as the run's workflow takes it. */
  public synchronized RunStatus submitUpdate(int round, ClientUpdate u) {
    serving();
    RequestChecks.named(u);
    Client client = registered(u.clientId());
    return workflow.submit(round, u, client);
  }

  /**
   * Enforces the open round's deadlines (called twice a second by {@code RoundDeadlines}): at {@code roundTimeout}
   * a round with the quorum goes on with whoever reported; below the quorum it waits for late clients until
   * {@code maxRoundWait}, then the run fails with the reason.
   */
  public synchronized void tick() {
    RunLedger.Round open = run.openRound();
    if (open != null) {
      workflow.tick(open);
    }
  }

  /** The secure aggregation steps of the run's rounds; refuses a run that takes plain updates. */
  public SecureRounds secure() {
    return switch (workflow) {
      case SecureRounds rounds -> rounds;
      case PlainRounds plain -> throw Refusal.conflict("No secure aggregation", "this run takes plain updates "
          + "(FL_SECURE_AGGREGATION is off): POST /rounds/{round}/updates");
    };
  }

  /** The run's events: recorded, stored and handed to subscribers. */
  public EventJournal events() {
    return events;
  }

  public synchronized Snapshot snapshot() {
    return run.snapshot(rules, strategyInfo, privacy, settings, now());
  }

  /** How many picked clients of the open round have not sent their update past its deadline (0 before it). */
  public synchronized int lateClients() {
    RunLedger.Round open = run.openRound();
    if (open == null || Duration.between(open.startedAt, now()).compareTo(rules.roundTimeout()) < 0) {
      return 0;
    }
    return run.missing(open).size();
  }

  /**
   * Adds a listener told the run's state after every change of the run (a registration, an update, an aggregation,
   * an evaluation, a failure). It is called under the run's lock: hand long work to another thread. A listener added
   * after a change does not hear of it: read the run's state when adding it.
   */
  public void addListener(Consumer<RunState> listener) {
    listeners.add(listener);
  }

  void changed() {
    for (Consumer<RunState> listener : listeners) {
      listener.accept(run.state);
    }
  }

  /** The current global model (a copy). */
  public synchronized Model globalModel() {
    return run.global.copy();
  }

  static String pct(double a) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * a);
  }
}
