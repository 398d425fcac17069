package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.Confusion;
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
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
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

  /** A registered client; {@code sums}: its table's column sums, null for images. */
  public record Client(String clientId, int trainSamples, int testSamples, Instant registeredAt,
      Standardization.Sums sums) {

    public Client(String clientId, int trainSamples, int testSamples, Instant registeredAt) {
      this(clientId, trainSamples, testSamples, registeredAt, null);
    }
  }

  /**
   * Everything the workbook shows, copied under the lock; {@code privacy} gives the privacy spent after a number of
   * rounds (null without differential privacy); {@code privateRun}: no client's own figures or counts are shown.
   */
  public record Snapshot(RunStatus status, Map<String, String> settings, List<Client> clients,
      List<RoundView> rounds, LayerSizes layerSizes, SortedMap<Integer, float[]> modelHistory,
      List<Evaluation> historyScores, IntFunction<RunStatus.Privacy> privacy, boolean privateRun,
      List<dev.fedlearn.protocol.PersonalizedReport> personalized, dev.fedlearn.protocol.CrossSiteMatrix crossSite) {}

  final RunRules rules;
  final TrainingConfig training;
  final Strategy strategy;
  private final ClientSampler sampler;
  private final RunStatus.StrategyInfo strategyInfo;
  private final IntFunction<RunStatus.Privacy> privacy; // the privacy spent after n rounds; null without DP
  final RunPrivacy accountant; // null without DP
  final Function<Model, Evaluation> scorer; // null when the server holds no test set: the clients score the models
  private final Clock clock;
  private final RunDefinition definition;
  private Map<String, String> settings; // the definition as the workbook shows it, made when first asked for
  final RunStore store;
  private final List<Consumer<RunState>> listeners = new CopyOnWriteArrayList<>();
  final RunLedger run;
  final EventJournal events;
  final ModelBoard board;
  private final String refusal; // why this aggregator serves no run; null when it serves one
  final RoundWorkflow workflow; // how the rounds collect their updates
  /** Secure aggregation or differential privacy: no client's own figures are taken or shown. */
  final boolean privateRun;
  final CrossSiteEvaluation crossSite = new CrossSiteEvaluation(this);

  /**
   * The run {@code definition} defines, aggregated by its strategy ({@link RunDefinition#serverStrategy}, differential
   * privacy's noise drawn from {@code noise}); its updates go through secure aggregation when the definition says so,
   * each step after the key exchange waiting up to {@code secAggStepTimeout}: the strategy then receives one result per
   * round, the unmasked mean.
   */
  public RunCoordinator(RunRules rules, RunDefinition definition, Model initial, IntFunction<RandomGenerator> noise,
      Function<Model, Evaluation> scorer, Clock clock, RunStore store, Duration secAggStepTimeout) {
    this.privateRun = definition.isPrivate();
    this.rules = rules;
    this.training = definition.trainingConfig();
    this.strategy = definition.serverStrategy(noise);
    this.sampler = definition.sampling();
    this.strategyInfo = BufferedVersions.strategyInfo(strategy, sampler, definition.asynchrony());
    this.accountant = RunPrivacy.of(definition, sampler.count(rules.clients()));
    this.privacy = accountant == null ? null : accountant.spent();
    this.scorer = scorer;
    this.clock = clock;
    this.definition = definition;
    this.workflow = definition.asynchrony() != null ? new BufferedVersions(this, definition.asynchrony())
        : definition.secureAggregation() == null ? new PlainRounds(this) : new SecureRounds(this,
            new SecAggSettings(definition.secureAggregation().bound(), secAggStepTimeout, definition.privacy()));
    this.store = store;
    this.events = new EventJournal(store, clock);
    RunOpening opening = RunOpening.open(this, definition, initial, scorer, strategy.name());
    refusal = opening.refusal();
    run = opening.ledger();
    run.privateRun = privateRun;
    run.scoredBy = scorer == null ? RunStatus.Latest.CLIENTS : RunStatus.Latest.SERVER;
    run.classNames = definition.data().schema() != null ? definition.data().schema().classes()
        : Confusion.numbered(definition.layerSizes().classes());
    if (accountant != null) {
      accountant.closedBefore(run);
    }
    board = new ModelBoard(current());
    synchronized (this) {
      RunLedger.Round open = run.openRound();
      if (open != null && workflow.full(open)) {
        RoundClosing.aggregate(this, open); // the process stopped between the last update and the aggregation
      } else if (open != null) {
        workflow.restarted(open, now());
      }
    }
  }

  /** What defines the run. */
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

  /** Registers a client (again: no change); the last one the run expects opens round 1. */
  public synchronized RunStatus register(ClientRegistration r) {
    serving();
    if (Registrations.take(this, r)) {
      changed();
    }
    return status();
  }

  /** The clock, to the microsecond: the precision the store keeps, so a resumed run reads back what it had. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  void openRound(int number, Instant now) {
    List<String> picked = pick(new ArrayList<>(run.clients.keySet()), number);
    run.history.add(new RunLedger.Round(number, now, picked));
    String what = (workflow instanceof BufferedVersions ? "version " : "round ") + number + "/" + rules.rounds();
    log.info("{} open: {} clients picked {}", what, picked.size(), picked);
    events.record(RunEvent.Type.OPENED, number, null, what + " open: " + picked.size() + " clients picked " + picked
        + ", deadline in " + rules.roundTimeout().toSeconds() + " s");
    workflow.opened(run.openRound(), now);
    board.post(current());
  }

  /** The most clients a round picks: the sampler's count of the run's clients. */
  int picksPerRound() {
    return sampler.count(rules.clients());
  }

  /** The clients that train round {@code number}: the sampler's pick, reproducible from the run's seed. */
  List<String> pick(List<String> clients, int number) {
    return sampler.pick(clients, number, training.seed());
  }

  /** The model as the board shows it: the current global model, the run's state and the plan for the next round. */
  GlobalModel current() {
    return GlobalModel.of(run.completed, rules.rounds(), run.state, run.global,
        TrainingPlan.of(training, strategy.proximalMu(), workflow instanceof SecureRounds, privateRun)
            .withTable(Registrations.table(this))).withCrossSite(run.crossSiteStep(null));
  }

  /**
   * The current global model once it is news for a client that has seen {@code after}: held up to {@code wait}
   * while the run waits for clients or has no newer model, then returned as it is. With a {@code clientId}, it says
   * what the aggregator already holds from that client.
   */
  public CompletableFuture<GlobalModel> awaitModel(int after, Duration wait, String clientId) {
    CompletableFuture<GlobalModel> model = board.await(after, wait);
    if (clientId == null) {
      return model;
    }
    return model.thenApply(m -> {
      synchronized (this) {
        return run.progress(clientId, m);
      }
    });
  }

  public CompletableFuture<GlobalModel> awaitModel(int after, Duration wait) {
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

  void fail(String reason) {
    log.error("run failed: {}", reason);
    end(RunState.FAILED, reason, "run failed: ");
  }

  /** Ends the run before its last round as {@code state}, saying why: stored, recorded, told to polls and listeners. */
  private void end(RunState state, String reason, String event) {
    store.failed(state.name(), reason);
    run.state = state;
    run.message = reason;
    events.record(RunEvent.Type.STATE, null, null, event + reason);
    board.post(current());
    changed();
  }

  /**
   * Stops the run before its end, saying {@code reason}: its clients see it STOPPED, an open round is never
   * aggregated. False when the run had ended already.
   */
  public synchronized boolean stop(String reason) {
    if (run.state != RunState.WAITING_FOR_CLIENTS && run.state != RunState.TRAINING) {
      return false;
    }
    log.info("run stopped: {}", reason);
    end(RunState.STOPPED, reason, "run stopped: ");
    return true;
  }

  /** How long a completed run waits for its clients' scores of its final model before the next run may start. */
  public static final Duration FINAL_SCORES_WAIT = Duration.ofSeconds(30);

  /**
   * Whether the run is over and done with at {@code now}: ended, and, when it completed, every client's score of the
   * final model taken (a private run takes none) or {@link #FINAL_SCORES_WAIT} past, and its cross-site evaluation
   * done if one was asked for.
   */
  public synchronized boolean settled(Instant now) {
    if (run.state == RunState.WAITING_FOR_CLIENTS || run.state == RunState.TRAINING || CrossSiteEvaluation.busy(run)) {
      return false;
    }
    if (run.state != RunState.COMPLETED || privateRun || run.history.isEmpty()) {
      return true;
    }
    RunLedger.Round last = run.history.get(run.history.size() - 1);
    return last.evaluations.size() >= run.clients.size() || last.endedAt == null
        || !now.isBefore(last.endedAt.plus(FINAL_SCORES_WAIT));
  }

  /** A client's score of a round's global model on its local test split (refused in a private run). */
  public synchronized RunStatus submitEvaluation(int round, EvaluationReport e) {
    serving();
    RequestChecks.named(e);
    ClientScores.take(this, round, e, registered(e.clientId()));
    changed();
    return status();
  }

  /** A registered client's personalization of the completed run's final model, {@code round}. */
  public synchronized RunStatus submitPersonalized(int round, dev.fedlearn.protocol.PersonalizedReport r) {
    serving();
    Personalizations.take(this, round, r);
    changed();
    return status();
  }

  /** The clients' personalization reports, by client id (empty until the run completed). */
  public synchronized List<dev.fedlearn.protocol.PersonalizedReport> personalized() {
    return Personalizations.all(run);
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
    crossSite.tick();
  }

  /** The completed run's cross-site evaluation: asked for, its models uploaded and fetched, its rows, its matrix. */
  public CrossSiteEvaluation crossSite() {
    return crossSite;
  }

  /** The secure aggregation steps of the run's rounds; refuses a run that takes plain updates. */
  public SecureRounds secure() {
    serving();
    return switch (workflow) {
      case SecureRounds rounds -> rounds;
      case PlainRounds plain -> throw Refusal.conflict("No secure aggregation", "this run takes plain updates "
          + "(FL_SECURE_AGGREGATION is off): POST /rounds/{round}/updates");
      case BufferedVersions buffered -> throw Refusal.conflict("No secure aggregation", "this run is asynchronous "
          + "(FL_MODE=async): POST /rounds/{round}/updates");
    };
  }

  /** The run's events: recorded, stored and handed to subscribers. */
  public EventJournal events() {
    return events;
  }

  public synchronized Snapshot snapshot() {
    if (settings == null) {
      settings = definition.flattened();
    }
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
   * Adds a listener told the run's state after every change of the run, under the run's lock (hand long work to
   * another thread); it does not hear of earlier changes: read the run's state when adding it.
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
