package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.federation.Evaluations;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.Confusion;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The run's record in memory: its state, its clients, every round with its updates, scores and evaluations, the
 * current global model and a bounded sample of the earlier ones ({@link ModelRetention#keeps}: the initial model, every k-th
 * round and the last, those the workbook's Weights sheet shows; the store has them all); rebuilt
 * from the store on a restart ({@link #restore}), and rendered as the read models the API and the workbook show. It holds no lock and writes nothing: the coordinator owns it, changes it
 * under its lock after the store has the change, and asks it for views.
 */
final class RunLedger {
  /** One round: opened, receiving updates and evaluations, closed with a score. */
  static final class Round {
    final int number;
    Instant startedAt; // round 1 of a secure table's run starts again once its column sums are in
    Instant endedAt;
    final Map<String, ClientUpdate> updates = new TreeMap<>();
    final Map<String, Instant> receivedAt = new TreeMap<>();
    final Map<String, RoundView.Evaluation> evaluations = new TreeMap<>();
    final Map<String, long[]> confusions = new TreeMap<>(); // the clients' confusion counts, for those that sent them
    /** Picked clients that sit the rest of the round's secure aggregation out (a complaint named them). */
    final java.util.Set<String> excluded = new java.util.TreeSet<>();
    final List<String> picked; // the clients that train this round, sorted
    Evaluation score;
    boolean pastDeadline; // its deadline passed below the quorum (said once)

    Round(int number, Instant startedAt, List<String> picked) {
      this.number = number;
      this.startedAt = startedAt;
      this.picked = List.copyOf(picked);
    }
  }

  RunState state = RunState.WAITING_FOR_CLIENTS;
  String message;
  final Map<String, RunCoordinator.Client> clients = new TreeMap<>();
  Model global;
  int completed;
  /** Secure aggregation or differential privacy: the views show no client's own training figures. */
  boolean privateRun;
  /** A table's standardization, once every client has registered ({@link Registrations#table}); else null. */
  Standardization standardization;
  /**
   * With secure aggregation, a table's column sums over the clients, once summed before round 1
   * ({@link TableStatistics}); else null.
   */
  Standardization.Sums columnSums;
  /** Whether a column-sum session asked for unmasking shares (the same sums are never masked again). */
  boolean columnsRevealed;
  /** The clients' personalization reports, once the run completed, by client id. */
  final java.util.Map<String, dev.fedlearn.protocol.PersonalizedReport> personalized = new TreeMap<>();
  /** The completed run's cross-site evaluation, once asked for; else null. */
  CrossSiteRecord crossSite;
  /** The classes' names, in the network's output order (null: no confusion matrices). */
  List<String> classNames;
  /** Who scores the global models: {@link RunStatus.Latest#SERVER} or {@link RunStatus.Latest#CLIENTS}. */
  String scoredBy = RunStatus.Latest.SERVER;
  final List<Round> history = new ArrayList<>();
  final TreeMap<Integer, float[]> models = new TreeMap<>(); // global models of the rounds kept, 0 = initial
  final List<Evaluation> scores = new ArrayList<>(); // their test-set scores; the initial one null until asked for
  Map<String, float[]> strategyState = Map.of(); // the strategy's state after the last closed round
  private java.util.function.Supplier<Evaluation> initialScore; // scores the initial model when first asked

  /** A new run from {@code initial}, scored by {@code initialScore} when its score is first asked for. */
  RunLedger(Model initial, java.util.function.Supplier<Evaluation> initialScore) {
    global = initial.copy();
    models.put(0, initial.params().clone());
    scores.add(null);
    this.initialScore = initialScore;
  }

  /**
   * The test-set score of round {@code round}'s global model (0: the initial model, scored now if not yet); null when
   * the server scores none (a table's run, also once restored).
   */
  Evaluation score(int round) {
    if (round == 0 && scores.get(0) == null && initialScore != null) {
      scores.set(0, initialScore.get());
    }
    return scores.get(round);
  }

  /** The test-set score of the current global model. */
  Evaluation lastScore() {
    return score(scores.size() - 1);
  }

  private RunLedger() {}

  /** Keeps round {@code round}'s model if it is one of those kept. */
  void keep(int round, float[] model, int rounds) {
    if (ModelRetention.keeps(round, rounds)) {
      models.put(round, model);
    }
  }

  /**
   * The run as the store kept it: the same rounds, models, updates, scores and strategy state, and the same open
   * round; {@code picks} gives the clients a round picked (a function of the run's clients, seed and the round).
   */
  static RunLedger restore(RunStore.Stored s, LayerSizes sizes, int rounds,
      BiFunction<List<String>, Integer, List<String>> picks) {
    RunLedger ledger = new RunLedger();
    ledger.state = RunState.valueOf(s.state());
    ledger.message = s.message();
    ledger.columnSums = s.columnSums();
    ledger.columnsRevealed = s.columnSumsRevealed();
    s.personalized().forEach(p -> ledger.personalized.put(p.report().clientId(), p.report()));
    ledger.crossSite = s.crossSite() == null ? null : CrossSiteRecord.restore(s.crossSite());
    for (RunStore.StoredClient c : s.clients()) {
      ledger.clients.put(c.clientId(), new RunCoordinator.Client(c.clientId(), c.trainSamples(), c.testSamples(),
          c.registeredAt(), c.sums()));
    }
    List<String> ids = new ArrayList<>(ledger.clients.keySet());
    for (RunStore.StoredRound r : s.rounds()) {
      Evaluation score = r.accuracy() == null ? null : new Evaluation(0, r.loss(), r.accuracy());
      if (r.strategyState() != null) {
        ledger.strategyState = r.strategyState();
      }
      if (r.round() > 0) {
        Round round = new Round(r.round(), r.startedAt(), picks.apply(ids, r.round()));
        round.endedAt = r.endedAt();
        round.score = score;
        ledger.history.add(round);
      }
      if (r.endedAt() != null) { // closed: scored by the server, or by its clients' reports below
        ledger.scores.add(score);
        ledger.completed = r.round();
        if (r.model() != null) {
          ledger.keep(r.round(), r.model(), rounds);
          ledger.global = new Model(sizes, r.model().clone());
        }
      }
    }
    if (ledger.global == null || s.rounds().stream().filter(r -> r.round() == ledger.completed)
        .anyMatch(r -> r.model() == null)) {
      throw new IllegalStateException("the store gave no global model for round " + ledger.completed
          + ", the last closed one");
    }
    int[] shape = sizes.toArray();
    for (RunStore.StoredUpdate u : s.updates()) {
      Round round = ledger.history.get(u.round() - 1);
      round.updates.put(u.clientId(), new ClientUpdate(u.clientId(), u.numSamples(), shape, u.weights(),
          u.trainLoss(), u.trainAccuracy(), u.epochs()));
      round.receivedAt.put(u.clientId(), u.receivedAt());
    }
    for (RunStore.StoredEvaluation e : s.evaluations()) {
      Round round = ledger.history.get(e.round() - 1);
      round.evaluations.put(e.clientId(), new RoundView.Evaluation(e.clientId(), e.numSamples(), e.loss(),
          e.accuracy(), e.receivedAt()));
      if (e.confusion() != null) {
        round.confusions.put(e.clientId(), e.confusion());
      }
    }
    for (Round round : ledger.history) {
      if (round.endedAt != null && round.score == null) {
        ledger.scoreByClients(round);
      }
    }
    return ledger;
  }

  /**
   * Scores closed round {@code r} by its clients' reports, their sample-weighted mean (in the order of their ids), as
   * a run does whose server holds no test set; null while none has reported.
   */
  void scoreByClients(Round r) {
    Evaluations.Mean m = Evaluations.weighted(r.evaluations.values().stream()
        .map(e -> new Evaluations.Score(e.numSamples(), e.loss(), e.accuracy())).toList());
    r.score = m.samples() == 0 ? null : new Evaluation((int) Math.min(Integer.MAX_VALUE, m.samples()), m.loss(),
        m.accuracy());
    scores.set(r.number, r.score);
  }

  /** The round that takes updates, or null. */
  Round openRound() {
    if (state != RunState.TRAINING || history.isEmpty()) {
      return null;
    }
    Round last = history.get(history.size() - 1);
    return last.endedAt == null ? last : null;
  }

  /** The picked clients that have not sent their update. */
  List<String> missing(Round open) {
    List<String> missing = new ArrayList<>(open.picked);
    missing.removeAll(open.updates.keySet());
    return missing;
  }

  /** The status, with {@code privacy} (null: none) as it stands after the completed rounds. */
  RunStatus status(RunRules rules, RunStatus.StrategyInfo strategy, java.util.function.IntFunction<RunStatus.Privacy>
      privacy, Instant now) {
    Round open = openRound();
    Evaluation latest = lastScore();
    String msg = message;
    if (msg == null && state == RunState.WAITING_FOR_CLIENTS) {
      msg = "waiting for " + (rules.clients() - clients.size()) + " more client(s) to register";
    } else if (msg == null && open != null) {
      Duration elapsed = Duration.between(open.startedAt, now);
      msg = "round " + open.number + " waiting for " + missing(open) + "; "
          + (elapsed.compareTo(rules.roundTimeout()) < 0
              ? "deadline in " + rules.roundTimeout().minus(elapsed).toSeconds() + " s"
              : "past its deadline, below the quorum of " + Math.min(rules.minClients(), open.picked.size()) + ": waiting up to "
                  + rules.maxRoundWait().minus(elapsed).toSeconds() + " s more");
    }
    return new RunStatus(state, completed, rules.rounds(), clients.size(), rules.clients(),
        open == null ? 0 : open.updates.size(), open == null ? 0 : open.picked.size(),
        latest(latest), msg, strategy,
        open == null ? List.of() : open.picked, null, privacy == null ? null : privacy.apply(completed));
  }

  /** The newest global model's score, null when nobody has scored it yet. */
  private RunStatus.Latest latest(Evaluation latest) {
    Confusion confusion = completed == 0 ? null : confusion(history.get(completed - 1));
    return latest == null ? new RunStatus.Latest(completed, null, null, scoredBy, confusion)
        : new RunStatus.Latest(completed, latest.accuracy(), latest.loss(), scoredBy, confusion);
  }

  List<RoundView> rounds(Duration roundTimeout) {
    List<RoundView> views = new ArrayList<>();
    for (Round r : history) {
      views.add(view(r, roundTimeout));
    }
    return views;
  }

  RoundView round(int number, Duration roundTimeout) {
    if (number < 1 || number > history.size()) {
      throw Refusal.unknown("No such round", "round " + number + " has not started; rounds 1.."
          + history.size() + " have");
    }
    return view(history.get(number - 1), roundTimeout);
  }

  RunCoordinator.Snapshot snapshot(RunRules rules, RunStatus.StrategyInfo strategy,
      java.util.function.IntFunction<RunStatus.Privacy> privacy, Map<String, String> settings, Instant now) {
    TreeMap<Integer, float[]> copies = new TreeMap<>(models); // arrays are never modified once stored
    copies.put(completed, global.params()); // global models are replaced, never modified
    Map<String, String> shown = new LinkedHashMap<>(settings);
    shown.put("minClients", Integer.toString(rules.minClients()));
    shown.put("roundTimeout", rules.roundTimeout().toString());
    shown.put("maxRoundWait", rules.maxRoundWait().toString());
    shown.put("maxWeightNorm", Double.toString(rules.maxWeightNorm()));
    return new RunCoordinator.Snapshot(status(rules, strategy, privacy, now), shown, new ArrayList<>(clients.values()),
        rounds(rules.roundTimeout()),
        global.sizes(), copies, scoresFromZero(), privacy, privateRun, List.copyOf(personalized.values()),
        CrossSiteEvaluation.matrix(this));
  }

  /** A round as the API shows it; the clients' test accuracy is averaged weighted by their test samples. */
  private RoundView view(Round r, Duration roundTimeout) {
    List<RoundView.ClientTraining> training = new ArrayList<>();
    for (ClientUpdate u : privateRun ? List.<ClientUpdate>of() : r.updates.values()) {
      training.add(new RoundView.ClientTraining(u.clientId(), u.numSamples(), u.trainLoss(), u.trainAccuracy(),
          r.receivedAt.get(u.clientId()), u.epochs()));
    }
    List<RoundView.Evaluation> evals = new ArrayList<>(r.evaluations.values());
    double samples = 0;
    double hits = 0;
    for (RoundView.Evaluation e : evals) {
      samples += e.numSamples();
      hits += e.numSamples() * e.accuracy();
    }
    Double mean = samples == 0 ? null : hits / samples;
    RoundView.Status status = r.endedAt != null ? RoundView.Status.COMPLETED
        : state == RunState.STOPPED ? RoundView.Status.STOPPED : RoundView.Status.OPEN;
    return new RoundView(r.number, status,
        new ArrayList<>(r.updates.keySet()), r.score == null ? null : r.score.accuracy(),
        r.score == null ? null : r.score.loss(), mean, training, evals, r.startedAt, r.endedAt,
        r.endedAt == null ? null : Duration.between(r.startedAt, r.endedAt).toMillis() / 1000.0, r.picked,
        r == openRound() ? r.startedAt.plus(roundTimeout) : null, confusion(r));
  }

  /**
   * The round's confusion counts summed over its clients, with the classes' names; null when none sent them, and
   * until every client has sent its counts, a later round has closed or the run has ended: a sum shown while the
   * counts arrive one by one would give away each client's own counts by difference.
   */
  Confusion confusion(Round r) {
    boolean whole = r.confusions.size() == clients.size() || r.number < completed
        || (state != RunState.TRAINING && state != RunState.WAITING_FOR_CLIENTS);
    if (r.confusions.isEmpty() || classNames == null || !whole) {
      return null;
    }
    long[] sum = new long[classNames.size() * classNames.size()];
    for (long[] counts : r.confusions.values()) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += counts[j];
      }
    }
    return Confusion.of(classNames, sum);
  }

  /**
   * {@code model} with what the aggregator holds from {@code clientId}: its update for the open round, its score of
   * the model's round; whether it is picked for the open round (true when no round is open); and its step in the
   * completed run's cross-site evaluation (null when none was asked for).
   */
  GlobalModel progress(String clientId, GlobalModel model) {
    Round open = openRound();
    int round = model.round();
    boolean evaluated = round >= 1 && round <= history.size()
        && history.get(round - 1).evaluations.containsKey(clientId);
    // The update for the round after the model's: a poll answered as that round closed must not look like a lost one.
    Round next = round + 1 <= history.size() ? history.get(round) : null;
    return model.withProgress(next != null && next.updates.containsKey(clientId), evaluated,
        open == null || open.picked.contains(clientId)).withCrossSite(crossSiteStep(clientId));
  }

  /** Where {@code clientId} (null: an unnamed caller) stands in the cross-site evaluation; null when there is none. */
  dev.fedlearn.protocol.CrossSiteStep crossSiteStep(String clientId) {
    return crossSite == null || state != RunState.COMPLETED ? null : crossSite.step(clientId);
  }

  private List<Evaluation> scoresFromZero() {
    score(0);
    return new ArrayList<>(scores);
  }
}
