package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.aggregator.AggregatorClient;
import dev.fedlearn.client.aggregator.AggregatorRejectedException;
import dev.fedlearn.client.aggregator.AggregatorUnavailableException;
import dev.fedlearn.client.aggregator.Reasons;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.client.status.ClientState;
import dev.fedlearn.client.status.StatusTracker;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.federation.secagg.SecAggClient;
import dev.fedlearn.federation.secagg.SecAggException;
import dev.fedlearn.protocol.UnmaskingShares;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import java.security.SecureRandom;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's worker: registers with the aggregator, then follows the run by long-polling the global model. It
 * scores every new global model once on the local test split, trains every round once on the local train split
 * and sends the weights, and stops when the run is completed or failed. Unreachable aggregators and server errors
 * are retried with exponential back-off; nothing ends the loop but the end of the run, {@link #stop()}, or a plan
 * below this client's floors ({@link PlanFloors}): the client then refuses the run, sends nothing more for it and
 * stops.
 *
 * <p>In a private run ({@link TrainingPlan#isPrivate()}: secure aggregation or differential privacy) the client
 * sends no figures of its own: it scores each global model for its own status and log only, sends no score, and
 * sends no per-epoch figures with a plain update (a masked update carries none at all).
 *
 * <p>{@link #run()} does the work on the calling thread; {@link #start()} runs it on a thread of its own.
 */
public final class FederatedClient {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final AggregatorClient aggregator;
  private final LocalData data;
  private final StatusTracker tracker;
  private final String clientId;
  private final int pollWaitSeconds;
  private final int threads;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;
  private final TrainingListener trainingListener;
  private final PlanFloors floors;

  private volatile boolean stopRequested;
  private Thread thread;

  // Touched by the worker thread only.
  private int lastSeen = -1;
  private int lastSubmitted;
  private ClientUpdate lastUpdate; // kept until the next round, to send again if the aggregator lost it
  private int resentRound;
  private int lastEvaluated;
  private int satOut; // the last round this client was not picked for
  private boolean waitingLogged;

  private record Trained(int round, int samples, int epochs, double seconds, double loss, double accuracy,
      boolean accepted) {}

  /** A global model's score on the local test split; {@code sent} false when it stayed on this site. */
  private record Scored(int round, Evaluation evaluation, boolean sent) {}

  /** The run's plan is below this client's floors: {@link #run()} ends, and {@code reason} says why. */
  private static final class PlanRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlanRefused(String reason) {
      super(reason, null, false, false);
    }
  }

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
    this.initialBackoff = properties.retry().initialBackoff();
    this.maxBackoff = properties.retry().maxBackoff();
    this.sleeper = sleeper;
    this.floors = PlanFloors.of(properties);
  }

  /** Runs the worker on a thread of its own (once). */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    stopRequested = false;
    thread = new Thread(this::run, "fl-client-" + clientId);
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

  /** The whole job, on the calling thread: returns when the run is over or when stopped. */
  public void run() {
    try {
      if (floors.any()) {
        log.info("privacy floors: {}; a plan below them is refused", floors);
      }
      register();
      tracker.state(ClientState.WAITING);
      Backoff backoff = backoff();
      while (true) {
        checkStop();
        try {
          if (step()) {
            return;
          }
          backoff.reset();
        } catch (PlanRefused e) {
          refuseRun(e.getMessage());
          return;
        } catch (AggregatorRejectedException e) {
          pause(backoff, e.getMessage());
        } catch (RuntimeException e) {
          pause(backoff, Reasons.describe(e));
        }
      }
    } catch (InterruptedException e) {
      log.info("client worker stopped");
    } catch (RuntimeException e) { // a bug or a setting no retry can fix: say so and stop, do not die silently
      String why = Reasons.describe(e);
      log.error("the client stops: {}", why);
      tracker.update(s -> s.withError(why));
      tracker.state(ClientState.ERROR);
    }
  }

  /** One poll and what follows from it; true when the run is over. */
  private boolean step() throws InterruptedException {
    GlobalModel model = retrying("fetch the global model", () -> aggregator.fetchModel(lastSeen, pollWaitSeconds));
    if (model.state() == null) {
      throw new IllegalStateException("the aggregator sent a global model without a run state");
    }
    tracker.update(s -> s.withRounds(model.rounds()));
    if (lastSeen >= 0 && model.round() < lastSeen) {
      log.warn("the aggregator is back at round {} after round {}: a new run, starting over", model.round(), lastSeen);
      lastSeen = -1;
      lastSubmitted = 0;
      lastEvaluated = 0;
    }
    if (model.state() != RunState.FAILED && model.plan() != null) {
      requireFloors(floors.refusal(model.plan())); // before this client scores, trains or sends anything
    }
    switch (model.state()) {
      case FAILED:
        failed(model);
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
    Scored scored = model.round() > 0 && model.round() > lastEvaluated && !model.evaluated() ? evaluate(model) : null;
    if (model.evaluated()) {
      lastEvaluated = Math.max(lastEvaluated, model.round());
    }
    if (model.state() == RunState.COMPLETED) {
      completed(model, scored);
      return true;
    }
    if (model.submitted() && model.round() + 1 > lastSubmitted) {
      log.info("round {}: the aggregator already has this client's update (sent before a restart); waiting",
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
      deliver("send the update of round " + round + " again", () -> aggregator.submitUpdate(round, update));
    }
    boolean due = model.round() + 1 > lastSubmitted;
    if (due && !model.takesPart() && model.round() + 1 != satOut) {
      satOut = model.round() + 1;
      log.info("round {}/{}: not picked by the aggregator's strategy; sitting it out", satOut, model.rounds());
    }
    Trained trained = due && model.takesPart() ? trainAndSubmit(model) : null;
    logRound(model, trained, scored);
    lastSeen = model.round();
    tracker.state(ClientState.WAITING);
    return false;
  }

  private void register() throws InterruptedException {
    tracker.state(ClientState.REGISTERING);
    ClientRegistration registration = new ClientRegistration(clientId, data.trainSize(), data.testSize());
    log.info("registering as {} with the aggregator at {} ({} train / {} test samples)", clientId,
        aggregator.baseUrl(), data.trainSize(), data.testSize());
    Backoff backoff = backoff();
    while (true) {
      try {
        RunStatus run = retrying("register with the aggregator", () -> aggregator.register(registration));
        log.info("registered as {}: run {}, round {}/{}, {}/{} clients registered", clientId, run.state(),
            run.round(), run.rounds(), run.registeredClients(), run.expectedClients());
        waitingLogged = false;
        return;
      } catch (AggregatorRejectedException e) {
        pause(backoff, "registration refused: " + e.getMessage());
      }
    }
  }

  private Scored evaluate(GlobalModel model) throws InterruptedException {
    int round = model.round();
    if (model.plan() == null) {
      throw new IllegalStateException("the global model of round " + round + " comes without a training plan");
    }
    tracker.state(ClientState.EVALUATING);
    TrainingConfig config = model.plan().toConfig();
    Features test = data.features(config.seed(), config.preset().inputOffset()).test();
    Evaluation evaluation = Evaluator.evaluate(model.toModel(), test, threads);
    // A private run takes no figures of a client's own: the score stays on this site (status and log).
    boolean send = !model.plan().isPrivate();
    if (send) {
      EvaluationReport report = new EvaluationReport(clientId, evaluation.count(), evaluation.loss(),
          evaluation.accuracy());
      deliver("send the score of global model round " + round, () -> aggregator.submitEvaluation(round, report));
    }
    lastEvaluated = round;
    tracker.update(s -> s.withEvaluated(round, evaluation.loss(), evaluation.accuracy()));
    return new Scored(round, evaluation, send);
  }

  private Trained trainAndSubmit(GlobalModel model) throws InterruptedException {
    int round = model.round() + 1;
    if (model.plan() == null) {
      throw new IllegalStateException("the global model of round " + model.round() + " comes without a training plan");
    }
    tracker.state(ClientState.TRAINING);
    TrainingConfig config = model.plan().toConfig();
    Features train = data.features(config.seed(), config.preset().inputOffset()).train();
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
    double seconds = (System.nanoTime() - start) / 1e9;
    trainingListener.trained(round, train.size(), config.epochs(), seconds);
    // A private run takes no per-epoch figures (optional on the wire). The last epoch's loss and accuracy are
    // required fields of a plain update; a masked update carries none of them.
    ClientUpdate update = new ClientUpdate(clientId, train.size(), model.layerSizes(), result.weights(),
        result.trainLoss(), result.trainAccuracy(), model.plan().isPrivate() ? List.of() : epochs);
    boolean secure = model.plan().secure();
    boolean accepted = secure ? secureSubmit(round, update, model.toModel().params())
        : deliver("send the update of round " + round, () -> aggregator.submitUpdate(round, update));
    lastSubmitted = round;
    lastUpdate = secure ? null : update; // a masked update belongs to its session: it is never sent again
    tracker.update(s -> s.withTrained(round, result.trainLoss(), result.trainAccuracy()));
    return new Trained(round, train.size(), config.epochs(), seconds, result.trainLoss(), result.trainAccuracy(),
        accepted);
  }

  /**
   * Sends the update of {@code round}, trained from {@code global}, through secure aggregation (with differential
   * privacy, as its clipped change plus its share of the noise): the four steps of the round's session, each wait a
   * long poll. A session the aggregator ends (problem type {@link ProblemTypes#SECAGG_START_AGAIN}: too few clients
   * in a step, a bad share, a restart) is joined again from the start, with new keys; a client the aggregator
   * excludes ({@link ProblemTypes#SECAGG_EXCLUDED}) sits the round out. Returns whether the update made it into the
   * round's sum: false when the round closed without it or went on without this client. Throws {@link PlanRefused}
   * when a session is below this client's floors, before it sends anything to that session.
   */
  private boolean secureSubmit(int round, ClientUpdate update, float[] global) throws InterruptedException {
    String revealedIn = null; // the session this client sent unmasking shares in: it never masks this update again
    while (true) {
      if (revealedIn != null) {
        log.warn("round {}: this client sent its unmasking shares in session {}; it does not take part in another "
            + "session of the round with the same update (two unmaskings could reveal it), and sits the round out",
            round, revealedIn);
        return false;
      }
      SecAggPlan plan;
      try {
        plan = retrying("read round " + round + "'s secure aggregation session", () -> aggregator.secAggPlan(round));
      } catch (AggregatorRejectedException e) {
        if (e.is(ProblemTypes.SECAGG_EXCLUDED)) {
          excluded(round, e);
        } else {
          refused("take part in round " + round + "'s secure aggregation", e);
        }
        return false;
      }
      requireFloors(floors.refusal(plan));
      if (!plan.picked().contains(clientId)) {
        return false;
      }
      String session = plan.session();
      try {
        SecureRandom random = new SecureRandom();
        SecAggClient protocol = new SecAggClient(clientId, round, plan.threshold(), random);
        // With DP: this client's change, clipped, plus its share of the noise, unweighted; else n * w and n.
        int[] encoded = plan.privacy()
            ? FixedPoint.encode(DifferentialPrivacy.noisyClippedChange(update.weights(), global, plan.dpClip(),
                plan.dpNoiseStd(), random), 1, plan.bound(), plan.scale())
            : FixedPoint.encode(update.weights(), Math.toIntExact(update.numSamples()), plan.bound(), plan.scale());
        retrying("send the public keys of round " + round, () -> {
          aggregator.secAggKeys(round, session, protocol.advertise());
          return null;
        });
        List<KeyAdvertisement> u1 = awaitStep("the others' public keys",
            () -> aggregator.secAggKeysOf(round, session, pollWaitSeconds));
        if (u1.stream().noneMatch(k -> k.clientId().equals(clientId))) {
          log.warn("round {}: the key exchange closed without this client; its update is not in the round", round);
          return false;
        }
        List<EncryptedShare> shares = protocol.shareKeys(u1);
        retrying("send the encrypted shares of round " + round, () -> {
          aggregator.secAggShares(round, session, new SecAggShares(clientId, shares));
          return null;
        });
        List<EncryptedShare> mine = awaitStep("the shares for this client",
            () -> aggregator.secAggSharesFor(round, session, clientId, pollWaitSeconds));
        int[] maskedInput;
        try {
          maskedInput = protocol.mask(encoded, mine);
        } catch (SecAggException bad) {
          if (bad.culprit() == null) {
            throw bad;
          }
          // Another client sent this one a share it cannot use: report it; the aggregator starts a new session
          // without either of the two, so this client sits the round out and the others go on.
          log.warn("round {}: {}; reporting client {} to the aggregator", round, bad.getMessage(), bad.culprit());
          retrying("report client " + bad.culprit() + " in round " + round, () -> {
            aggregator.secAggComplaint(round, session, new SecAggComplaint(clientId, bad.culprit(),
                bad.getMessage()));
            return null;
          });
          continue;
        }
        MaskedUpdate masked = MaskedUpdate.of(clientId, maskedInput); // no figures: the sum only
        retrying("send the masked update of round " + round, () -> {
          aggregator.secAggMasked(round, session, masked);
          return null;
        });
        List<String> survivors = awaitStep("the survivors",
            () -> aggregator.secAggSurvivors(round, session, pollWaitSeconds));
        if (!survivors.contains(clientId)) {
          return false;
        }
        UnmaskingShares unmask = protocol.unmask(survivors);
        revealedIn = session;
        retrying("send the unmasking shares of round " + round, () -> {
          aggregator.secAggUnmask(round, session, unmask);
          return null;
        });
        log.info("round {}: masked update sent in secure aggregation session {} ({} clients, threshold {})", round,
            session, survivors.size(), plan.threshold());
        return true;
      } catch (AggregatorRejectedException e) {
        if (e.is(ProblemTypes.SECAGG_START_AGAIN)) {
          log.warn("round {}: secure aggregation session {} is over ({}); reading the round's session again and "
              + "starting with new keys", round, session, e.detail());
          continue;
        }
        if (e.is(ProblemTypes.SECAGG_EXCLUDED)) {
          excluded(round, e);
          return false;
        }
        refused("take part in round " + round + "'s secure aggregation", e);
        return false;
      } catch (SecAggException e) {
        // The session itself is wrong (keys or survivors the aggregator forwarded): this client does not take part
        // in it and sits the round out; joining the same session again could only fail the same way.
        log.warn("round {}: secure aggregation session {} refused by this client: {}; it sits the round out", round,
            session, e.getMessage());
        return false;
      }
    }
  }

  /** Long-polls a step of secure aggregation until it closed. */
  private <T> T awaitStep(String what, Supplier<T> poll) throws InterruptedException {
    while (true) {
      T answer = retrying("wait for " + what, poll);
      if (answer != null) {
        return answer;
      }
    }
  }

  /**
   * Sends something once: retried while the aggregator is unavailable; after a 404 (the aggregator does not know
   * this client, e.g. it restarted) registers again and tries once more; a 409 or another refusal is logged and
   * accepted. Returns whether the aggregator took it.
   */
  private boolean deliver(String what, Runnable call) throws InterruptedException {
    Supplier<Void> send = () -> {
      call.run();
      return null;
    };
    try {
      retrying(what, send);
      return true;
    } catch (AggregatorRejectedException e) {
      if (!e.isNotFound()) {
        refused(what, e);
        return false;
      }
      log.warn("could not {}: {}; registering again and trying once more", what, e.getMessage());
    }
    ClientState state = tracker.state();
    register();
    tracker.state(state);
    try {
      retrying(what, send);
      return true;
    } catch (AggregatorRejectedException e) {
      refused(what, e);
      return false;
    }
  }

  /** The aggregator put this client out of the round's secure aggregation: one line, and the round is sat out. */
  private void excluded(int round, AggregatorRejectedException e) {
    String line = "round " + round + ": the aggregator excluded this client from the round's secure aggregation ("
        + e.detail() + "); sitting the round out, following the next one";
    log.warn(line);
    tracker.error(line);
  }

  /** Throws {@link PlanRefused} with {@code refusal} unless it is null (the plan meets this client's floors). */
  private static void requireFloors(String refusal) {
    if (refusal != null) {
      throw new PlanRefused(refusal);
    }
  }

  /** Ends this client's part in the run: it says why, in its log and status, and sends nothing more. */
  private void refuseRun(String reason) {
    log.error("this client refuses the run: {}; it sends nothing more and stops", reason);
    tracker.update(s -> s.withError(reason).withState(ClientState.REFUSED));
  }

  private void refused(String what, AggregatorRejectedException e) {
    if (e.isConflict()) {
      log.warn("could not {}: {} (already sent, or the round is closed); going on", what, e.getMessage());
    } else {
      log.warn("could not {}: {}; going on", what, e.getMessage());
      tracker.error(e.getMessage());
    }
  }

  /** Calls the aggregator until it answers: waits and retries while it is unreachable or failing. */
  private <T> T retrying(String what, Supplier<T> call) throws InterruptedException {
    Backoff backoff = backoff();
    boolean failedBefore = false;
    boolean refusedBefore = false;
    while (true) {
      checkStop();
      try {
        T answer = call.get();
        if (failedBefore) {
          log.info("the aggregator at {} answers again", aggregator.baseUrl());
        }
        return answer;
      } catch (AggregatorUnavailableException e) {
        checkStop(); // an interrupted request is no failure to report
        failedBefore = true;
        tracker.error(e.getMessage());
        if (e.refused()) {
          // Nothing listens yet (the aggregator is starting): try again every initial back-off, logged once.
          if (!refusedBefore) {
            log.warn("could not {}: {}; trying again every {} until the aggregator listens", what, e.getMessage(),
                human(initialBackoff));
          }
          refusedBefore = true;
          sleeper.sleep(initialBackoff);
          continue;
        }
        refusedBefore = false;
        Duration wait = backoff.next();
        log.warn("could not {}: {}; retrying in {}", what, e.getMessage(), human(wait));
        sleeper.sleep(wait);
      }
    }
  }

  /** Backs off after an unexpected problem in the loop, which goes on afterwards. */
  private void pause(Backoff backoff, String reason) throws InterruptedException {
    checkStop();
    Duration wait = backoff.next();
    tracker.error(reason);
    log.warn("{}; trying again in {}", reason, human(wait));
    sleeper.sleep(wait);
  }

  private void failed(GlobalModel model) {
    String message = "the aggregator reports the run FAILED at round " + model.round();
    try {
      RunStatus status = aggregator.status();
      if (status.message() != null && !status.message().isBlank()) {
        message += ": " + status.message();
      }
    } catch (RuntimeException e) {
      // the reason is a nicety; the state says enough
    }
    String error = message;
    log.error("{}; the client stops", error);
    tracker.update(s -> s.withError(error).withState(ClientState.ERROR));
  }

  private void completed(GlobalModel model, Scored scored) {
    String line = "run completed after " + model.round() + (model.round() == 1 ? " round" : " rounds");
    if (scored != null) {
      line += "; " + scoredText(scored);
    }
    log.info(line + "; the client is done");
    tracker.state(ClientState.DONE);
  }

  private void logRound(GlobalModel model, Trained trained, Scored scored) {
    if (trained == null && scored == null) {
      log.debug("no new global model yet (round {})", model.round());
      return;
    }
    StringBuilder line = new StringBuilder();
    if (trained != null) {
      line.append(String.format(Locale.ROOT,
          "round %d/%d: trained %d samples x %d epochs in %.1f s, train loss %.4f acc %.2f%%", trained.round(),
          model.rounds(), trained.samples(), trained.epochs(), trained.seconds(), trained.loss(),
          100 * trained.accuracy()));
      if (!trained.accepted()) {
        line.append(" (update not accepted)");
      }
    }
    if (scored != null) {
      line.append(trained != null ? "; " : "").append(scoredText(scored));
    }
    log.info(line.toString());
  }

  private static String scoredText(Scored scored) {
    Evaluation e = scored.evaluation();
    return String.format(Locale.ROOT, "global model round %d scored on %d local test samples: acc %.2f%% loss %.4f%s",
        scored.round(), e.count(), 100 * e.accuracy(), e.loss(), scored.sent() ? "" : " (private run: not sent)");
  }

  private Backoff backoff() {
    return new Backoff(initialBackoff, maxBackoff);
  }

  private void checkStop() throws InterruptedException {
    if (stopRequested || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("stop requested");
    }
  }

  private static String human(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
