package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's worker: registers with the aggregator, then follows the run by long-polling the global model. It
 * scores every new global model once on the local test split, trains every round once on the local train split
 * and sends the weights, and stops when the run is completed or failed. Unreachable aggregators and server errors
 * are retried with exponential back-off; nothing ends the loop but the end of the run, {@link #stop()}, or a plan
 * below this client's floors ({@link PlanFloors}): the client then refuses the run and sends nothing more for it.
 *
 * <p>In a private run ({@link TrainingPlan#isPrivate()}: secure aggregation or differential privacy) the client
 * sends no figures of its own: no score, and no per-epoch figures with a plain update (a masked one has none).
 *
 * <p>{@link #run()} takes part in the run the aggregator serves, on the calling thread. {@link #start()} runs
 * {@link #serve()} on a thread of its own: each run (and its cross-site evaluation, {@link CrossSiteTakingPart}), and
 * once a run is over, the next one the aggregator serves.
 */
public final class FederatedClient {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);
  /** How often a client whose run is over asks whether the aggregator serves a new one. */
  static final Duration NEXT_RUN_POLL = Duration.ofSeconds(5);
  private final AggregatorClient aggregator;
  private final LocalData data;
  private final StatusTracker tracker;
  private final String clientId;
  private final int pollWaitSeconds;
  private final int threads;
  private final TrainingListener trainingListener;
  private final PlanFloors floors;
  private final AggregatorCalls calls;
  private final SecureSubmission secure;
  private final Sleeper sleeper;
  private final RunEnds ends;
  private final Slowdown slowdown;

  private volatile boolean stopRequested;
  private Thread thread;
  // Touched by the worker thread only.
  private int lastSeen = -1;
  private int lastSubmitted;
  private ClientUpdate lastUpdate; // sent again if the aggregator lost it; kept past the run for cross-site evaluation
  private int resentRound;
  private int lastEvaluated;
  private int satOut; // the last round this client was not picked for
  private boolean waitingLogged;
  private Integer registeredRun; // the run this client registered with, when the aggregator names its runs
  private Integer lastRun; // the run of the last model seen, when the aggregator names its runs

  public FederatedClient(AggregatorClient aggregator, LocalData data, StatusTracker tracker,
      ClientProperties properties, Sleeper sleeper) {
    this(aggregator, data, tracker, properties, sleeper, TrainingListener.NONE);
  }

  /** A client that tells {@code trainingListener} of every round it trains. */
  public FederatedClient(AggregatorClient aggregator, LocalData data, StatusTracker tracker,
      ClientProperties properties, Sleeper sleeper, TrainingListener trainingListener) {
    this.trainingListener = trainingListener;
    this.aggregator = aggregator;
    this.data = data;
    this.tracker = tracker;
    this.clientId = properties.clientId();
    this.pollWaitSeconds = properties.pollWaitSeconds();
    this.threads = properties.threads();
    this.floors = PlanFloors.of(properties);
    this.calls = new AggregatorCalls(aggregator, tracker, sleeper, properties.retry().initialBackoff(),
        properties.retry().maxBackoff(), () -> stopRequested);
    this.secure = new SecureSubmission(aggregator, calls, tracker, clientId, pollWaitSeconds, floors);
    this.sleeper = sleeper;
    this.slowdown = new Slowdown(properties.clientSlowdown(), sleeper);
    this.ends = new RunEnds(aggregator, calls, tracker, sleeper, data, properties, () -> lastUpdate);
  }

  /** Runs the worker on a thread of its own (once). */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    stopRequested = false;
    thread = new Thread(this::serve, "fl-client-" + clientId);
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks the worker to stop (aborting a poll, a retry wait or a training between epochs) and waits for it. */
  public synchronized void stop() {
    stopRequested = true;
    Thread t = thread;
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("the client worker did not stop within {} s", STOP_WAIT.toSeconds());
    }
  }

  /** Whether the worker thread is running. */
  public synchronized boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  /**
   * Every run, on the calling thread: the one the aggregator serves and, each time one is over, the next; returns
   * when stopped, or when this client cannot go on (it refused a run's plan, or met an error no retry can fix).
   */
  public void serve() {
    try {
      while (run()) {
        if (ends.awaitNext(lastRun, () -> stopRequested) == null) {
          return; // stopped
        }
        forgetRun();
      }
    } catch (InterruptedException e) {
      log.info("client worker stopped");
    }
  }

  /** Forgets the rounds of the run this client took part in, before it takes part in another. */
  private void forgetRun() {
    registeredRun = null;
    lastSeen = -1;
    lastSubmitted = 0;
    lastEvaluated = 0;
    lastUpdate = null;
    resentRound = 0;
    satOut = 0;
    waitingLogged = false;
  }

  /**
   * Takes part in the run the aggregator serves, on the calling thread; returns whether it ended as a run ends
   * (completed, or failed on the aggregator), after which the client may take part in the next one; false when
   * stopped, when the client refused the run's plan, or after an error no retry can fix.
   */
  public boolean run() {
    try {
      if (floors.any()) {
        log.info("privacy floors: {}; a plan below them is refused", floors);
      }
      register();
      tracker.state(ClientState.WAITING);
      Backoff backoff = calls.backoff();
      while (true) {
        calls.checkStop();
        try {
          if (step()) {
            return true;
          }
          backoff.reset();
        } catch (SatOut e) {
          return sitOut(e.getMessage());
        } catch (RunChanged e) {
          continue; // registered with the new run: its model is fetched next
        } catch (PlanRefused e) {
          ends.refused(e.getMessage(), lastRun);
          return lastRun != null; // an aggregator that names its runs serves others: this client waits for the next
        } catch (AggregatorRejectedException e) {
          calls.pause(backoff, e.getMessage());
        } catch (RuntimeException e) {
          calls.pause(backoff, Reasons.describe(e));
        }
      }
    } catch (InterruptedException e) {
      log.info("client worker stopped");
      return false;
    } catch (SatOut e) {
      return sitOut(e.getMessage());
    } catch (RuntimeException e) { // a bug or a setting no retry can fix: say so and stop, do not die silently
      String why = Reasons.describe(e);
      log.error("the client stops: {}", why);
      tracker.update(s -> s.withError(why));
      tracker.state(ClientState.ERROR);
      return false;
    }
  }

  /** One poll and what follows from it; true when the run is over. */
  private boolean step() throws InterruptedException {
    GlobalModel model = calls.retrying("fetch the global model",
        () -> aggregator.fetchModel(lastSeen, pollWaitSeconds));
    if (model.state() == null) {
      throw new IllegalStateException("the aggregator sent a global model without a run state");
    }
    lastRun = model.run();
    if (model.run() != null && registeredRun != null && !model.run().equals(registeredRun)) {
      log.info("the aggregator serves run {} now (this client registered with run {}): registering and taking part",
          model.run(), registeredRun);
      forgetRun();
      register();
      return false;
    }
    tracker.update(s -> s.withRounds(model.rounds()));
    if (lastSeen >= 0 && model.round() < lastSeen) {
      log.warn("the aggregator is back at round {} after round {}: a new run, starting over", model.round(), lastSeen);
      lastSeen = -1;
      lastSubmitted = 0;
      lastEvaluated = 0;
    }
    if (model.state() != RunState.FAILED && model.plan() != null) {
      PlanRefused.unless(floors.refusal(model.plan())); // before this client scores, trains or sends anything
    }
    switch (model.state()) {
      case FAILED:
        ends.failed(model);
        return true;
      case STOPPED:
        log.info("the aggregator stopped the run at round {}", model.round());
        tracker.state(ClientState.DONE);
        return true;
      case WAITING_FOR_CLIENTS:
        if (!waitingLogged) {
          log.info("waiting for the run to start: the aggregator is waiting for clients");
          waitingLogged = true;
        }
        tracker.state(ClientState.WAITING);
        return false;
      default:
        break;
    }
    if (secure.columnSums(model, data)) { // a secure table's run sums its column sums before round 1 trains
      return false;
    }
    RoundLog.Scored scored = model.round() > 0 && model.round() > lastEvaluated && !model.evaluated()
        ? evaluate(model) : null;
    if (model.evaluated()) {
      lastEvaluated = Math.max(lastEvaluated, model.round());
    }
    if (model.state() == RunState.COMPLETED) {
      ends.completed(model, scored);
      return true;
    }
    if (model.submitted() && model.round() + 1 > lastSubmitted) {
      log.info("round {}: the aggregator already has this client's update; waiting for the next model",
          model.round() + 1);
      lastSubmitted = model.round() + 1;
    }
    if (!model.submitted() && lastUpdate != null && model.state() == RunState.TRAINING
        && model.round() + 1 == lastSubmitted && resentRound != lastSubmitted) {
      int round = lastSubmitted;
      ClientUpdate update = lastUpdate;
      resentRound = round;
      log.warn("round {}: the aggregator does not have this client's update (did it restart?); sending it again",
          round);
      calls.deliver("send the update of round " + round + " again", () -> aggregator.submitUpdate(round, update),
          this::register);
    }
    boolean due = model.round() + 1 > lastSubmitted;
    if (due && !model.takesPart() && model.round() + 1 != satOut) {
      satOut = model.round() + 1;
      log.info("round {}/{}: not picked by the aggregator's strategy; sitting it out", satOut, model.rounds());
    }
    RoundLog.Trained trained = due && model.takesPart() ? trainAndSubmit(model) : null;
    logRound(model, trained, scored);
    lastSeen = model.round();
    tracker.state(ClientState.WAITING);
    return false;
  }

  private void register() throws InterruptedException {
    tracker.state(ClientState.REGISTERING);
    ClientRegistration registration;
    try { // a table is checked against the run's schema first: a shard that does not fit sits the run out
      registration = data.registration(!data.isTable() ? null
          : calls.retrying("read the run's plan", () -> aggregator.fetchModel(-1, 0)).plan());
    } catch (DataException e) {
      throw new SatOut(e.getMessage());
    }
    log.info("registering as {} with the aggregator at {} ({} train / {} test samples)", clientId,
        aggregator.baseUrl(), data.trainSize(), data.testSize());
    Backoff backoff = calls.backoff();
    while (true) {
      try {
        RunStatus run = calls.retrying("register with the aggregator", () -> aggregator.register(registration));
        Integer before = registeredRun;
        registeredRun = run.run();
        if (before != null && registeredRun != null && !before.equals(registeredRun)) {
          // registered again (the aggregator no longer knew this client) and found another run: what this client
          // trained or scored for run `before` is not that run's, and is dropped
          log.info("registered with run {}, which the aggregator serves now (this client was in run {}); taking part",
              registeredRun, before);
          forgetRun();
          registeredRun = run.run();
          throw new RunChanged();
        }
        log.info("registered as {}: run {}, round {}/{}, {}/{} clients registered", clientId, run.state(),
            run.round(), run.rounds(), run.registeredClients(), run.expectedClients());
        waitingLogged = false;
        return;
      } catch (AggregatorRejectedException e) {
        if (e.is(ProblemTypes.NOT_IN_RUN)) {
          throw new SatOut(e.detail() != null ? e.detail() : e.getMessage());
        }
        calls.pause(backoff, "registration refused: " + e.getMessage());
      }
    }
  }

  private RoundLog.Scored evaluate(GlobalModel model) throws InterruptedException {
    int round = model.round();
    if (model.plan() == null) {
      throw new IllegalStateException("the global model of round " + round + " comes without a training plan");
    }
    tracker.state(ClientState.EVALUATING);
    Features test = data.features(model.plan().seed(), model.plan()).test();
    Evaluator.Scored scored = Evaluator.score(model.toModel(), test, threads);
    Evaluation evaluation = scored.evaluation();
    // A private run takes no figures of a client's own: the score stays on this site (status and log).
    boolean send = !model.plan().isPrivate();
    if (send) { // the score with its confusion counts (how many of each class went to each class; never which)
      EvaluationReport report = new EvaluationReport(clientId, evaluation.count(), evaluation.loss(),
          evaluation.accuracy(), scored.confusion());
      calls.deliver("send the score of global model round " + round,
          () -> aggregator.submitEvaluation(round, report), this::register);
    }
    lastEvaluated = round;
    tracker.update(s -> s.withEvaluated(round, evaluation.loss(), evaluation.accuracy()));
    return new RoundLog.Scored(round, evaluation, send);
  }

  private RoundLog.Trained trainAndSubmit(GlobalModel model) throws InterruptedException {
    int round = model.round() + 1;
    if (model.plan() == null) {
      throw new IllegalStateException("the global model of round " + model.round() + " comes without a training plan");
    }
    tracker.state(ClientState.TRAINING);
    TrainingConfig config = model.plan().toConfig();
    Features train = data.features(config.seed(), model.plan()).train();
    long start = System.nanoTime();
    LocalTraining.Result result;
    List<ClientUpdate.Epoch> epochs = new ArrayList<>(config.epochs());
    try {
      result = LocalTraining.run(model.toModel(), train, config, clientId, round, model.plan().mu(), epoch -> {
        epochs.add(new ClientUpdate.Epoch(epoch.epoch(), epoch.loss(), epoch.accuracy()));
        if (stopRequested || Thread.currentThread().isInterrupted()) {
          throw new CancellationException();
        }
      });
    } catch (CancellationException e) {
      throw new InterruptedException("stopped during the training of round " + round);
    }
    double seconds = slowdown.hold(start);
    trainingListener.trained(round, train.size(), config.epochs(), seconds);
    // A private run takes no per-epoch figures; a plain update requires the last epoch's, a masked one has none.
    ClientUpdate update = new ClientUpdate(clientId, train.size(), model.layerSizes(), result.weights(),
        result.trainLoss(), result.trainAccuracy(), model.plan().isPrivate() ? List.of() : epochs);
    boolean masked = model.plan().secure();
    boolean accepted = masked ? secure.submit(round, update, model.toModel().params())
        : calls.deliver("send the update of round " + round, () -> aggregator.submitUpdate(round, update),
            this::register);
    lastSubmitted = round;
    lastUpdate = masked ? null : update; // a masked update belongs to its session: it is never sent again
    tracker.update(s -> s.withTrained(round, result.trainLoss(), result.trainAccuracy()));
    return new RoundLog.Trained(round, train.size(), config.epochs(), seconds, result.trainLoss(),
        result.trainAccuracy(), accepted);
  }

  /** Sits out the run served now ({@link SatOut}); true: the client waits for the next run. */
  private boolean sitOut(String reason) {
    lastRun = ends.sitOut(reason);
    return true;
  }

  private void logRound(GlobalModel model, RoundLog.Trained trained, RoundLog.Scored scored) {
    if (trained == null && scored == null) {
      log.debug("no new global model yet (round {})", model.round());
      return;
    }
    log.info(RoundLog.round(model, trained, scored));
  }
}
