package dev.fedlearn.federation.simulation;

import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.Seeds;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.Attack;
import dev.fedlearn.federation.Evaluations;
import dev.fedlearn.federation.LocalTraining;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunRules;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.federation.strategy.AggregationException;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * A whole federated run in one process, without a network: the run's {@link RunCoordinator} (the aggregator's own
 * state machine, round workflows, sampling, strategy, privacy and secure aggregation) with every site as a client of
 * it in memory. Only the transport differs from the services: a client's requests are method calls, and its secure
 * aggregation messages go through {@link InMemorySecureClients}.
 *
 * <p>Each round every site reads the coordinator's global model and plan, as a service's client does; the picked sites
 * train it on their own data (in parallel, largest first; with the plan's proximal mu); the first {@code byzantine}
 * sites by id, when picked, send their update poisoned by the {@link Attack}; the last update expected makes the
 * coordinator aggregate and score the new global model on the held-out test set; then every site, picked or not,
 * scores it on its local test split and reports the score (unless the run is private), as the services' clients do.
 * Every picked site answers, so no deadline is ever reached, and no weight bound applies (an attack is sent whole).
 *
 * <p>Differential privacy's noise comes from the run's seed ({@link #noise}), so a simulation is reproducible bit for
 * bit, which a private deployment must not be.
 */
public final class Simulation {
  /**
   * One site: its id and its local train and test data; for a table, the column sums of all its rows ({@code sums},
   * null for images) and its data as read, which the run's standardization turns into network inputs.
   */
  public record Site(String id, Features train, Features test, Standardization.Sums sums) {
    /** A site of images, its data network inputs already. */
    public Site(String id, Features train, Features test) {
      this(id, train, test, null);
    }

    /** The site with its table's inputs standardized by {@code s}. */
    public Site standardized(Standardization s) {
      return new Site(id, s.apply(train), s.apply(test), sums);
    }
  }


  /**
   * A site's figures in one round: its local training (zeros when not picked), its score of the new global model.
   *
   * @param picked whether the site trained this round
   * @param attacked whether its update was poisoned
   * @param epochs every local epoch's figures, oldest first (empty when not picked)
   */
  public record SiteRound(String clientId, int trainSamples, double trainLoss, double trainAccuracy,
      int testSamples, double testLoss, double testAccuracy, boolean picked, boolean attacked,
      List<Trainer.EpochStats> epochs) {

    public SiteRound {
      epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }
  }

  /**
   * What secure aggregation cost in a round: its parties and threshold, the clients' protocol bytes sent and received
   * (32 per public key, each ciphertext's length, 4 per masked int, each revealed share's serialised length; ids and
   * framing not counted), and the time from the session's plan to the round's close.
   */
  public record SecAggCost(int parties, int threshold, long bytesUp, long bytesDown, double seconds) {}

  /**
   * One round: the new global model's scores, every site's figures, the sites picked (sorted by id), the
   * sample-weighted mean of the sites' scores of the new model ({@link Evaluations#weighted}), and secure
   * aggregation's cost (null without it), the sites' confusion counts of the new model summed (null in a private
   * run, which takes none), the simulated time at its close ({@link #withClientSpeeds}), and in an asynchronous run
   * how many versions behind each of its changes was, by site (empty in a synchronous one). It holds no model, so a kept history of rounds stays small;
   * {@link #run(Model, List, Features, BiConsumer, Predicate)} hands the model alongside.
   */
  public record Round(int round, double globalTestLoss, double globalTestAccuracy, List<SiteRound> sites,
      double seconds, List<String> picked, double clientTestLoss, double clientTestAccuracy, SecAggCost secure,
      Confusion confusion, double simulatedSeconds, Map<String, Integer> staleness) {
    public Round {
      staleness = staleness == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(staleness));
    }
  }

  private final RunDefinition definition;
  private List<Site> runSites = List.of();
  private Map<String, float[]> localModels; // each site's last trained weights, when kept (null: not kept)
  private final int threads;
  private final int byzantine;
  private final Attack attack;
  private volatile TrainingPlan.Table table; // the last run's, null for images
  private volatile Features scoredOn; // what the last run's global models were scored on
  private List<Double> speeds; // each site's simulated milliseconds per sample and epoch, in site order; null: 1 each

  /** Every site honest. */
  public Simulation(RunDefinition definition, int threads) {
    this(definition, threads, 0, Attack.NONE);
  }

  /**
   * @param definition the run: its rounds, clients (one per site), training, strategy, sampling, privacy and secure
   *     aggregation
   * @param threads how many sites train, and score, at once
   * @param byzantine how many sites attack: the first ones by id
   * @param attack what they send
   */
  public Simulation(RunDefinition definition, int threads, int byzantine, Attack attack) {
    if (byzantine < 0) {
      throw new IllegalArgumentException("the number of attacking clients must be 0 or more, got " + byzantine);
    }
    this.definition = definition;
    this.threads = Math.max(1, threads);
    this.byzantine = byzantine;
    this.attack = attack;
  }

  /** Differential privacy's noise in round {@code round}, drawn from the run's {@code seed}: reproducible. */
  public static IntFunction<RandomGenerator> noise(long seed) {
    return round -> Seeds.derive(seed, Seeds.DP_NOISE, round);
  }

  /** The ids of the attacking sites: the first {@code byzantine} of {@code sites} by id (none without an attack). */
  public Set<String> attackers(List<Site> sites) {
    Set<String> out = new HashSet<>();
    if (attack.kind() == Attack.Kind.NONE) {
      return out;
    }
    sites.stream().map(Site::id).sorted().limit(byzantine).forEach(out::add);
    return out;
  }

  /**
   * Each site's speed, in the sites' order: its simulated milliseconds per sample and local epoch (1 each unless
   * set). A round's simulated time is its slowest picked site's training; an asynchronous run's changes arrive in
   * the order of their simulated times, so a seed reproduces it bit for bit.
   */
  public Simulation withClientSpeeds(List<Double> speeds) {
    for (double speed : speeds) {
      if (!(speed > 0) || !Double.isFinite(speed)) {
        throw new IllegalArgumentException("a client speed must be a positive number, got " + speed);
      }
    }
    this.speeds = List.copyOf(speeds);
    return this;
  }

  /** The simulated seconds site {@code i} of {@code sites} takes to train {@code epochs} epochs. */
  double trainingSeconds(List<Site> sites, int i, int epochs) {
    return (speeds == null ? 1 : speeds.get(i)) * sites.get(i).train().size() * epochs / 1000;
  }

  /** Keeps each site's last trained weights from now on ({@link #localModels}), for cross-site evaluation. */
  public Simulation keepingLocalModels() {
    localModels = new java.util.TreeMap<>();
    return this;
  }

  /** Each site's weights as it last trained them, by site id (kept only after {@link #keepingLocalModels}). */
  public Map<String, float[]> localModels() {
    return localModels == null ? Map.of() : java.util.Collections.unmodifiableMap(localModels);
  }

  /** The last run's sites, their inputs made as the plan said (a table's standardized). */
  public List<Site> sites() {
    return runSites;
  }

  /** The last run's table and its standardization, as its plan gave them; null for images. */
  public TrainingPlan.Table table() {
    return table;
  }

  /**
   * What the last run's global models were scored on: the server's test set as the sites' inputs are made (a table's
   * standardized), or without one every site's test split.
   */
  public Features scoredOn() {
    return scoredOn;
  }

  /** Runs the definition's rounds from {@code initial} (not modified) and returns the final global model. */
  public Model run(Model initial, List<Site> sites, Features globalTest, Consumer<Round> listener) {
    return run(initial, sites, globalTest, (r, model) -> {
      if (listener != null) {
        listener.accept(r);
      }
    }, r -> false);
  }

  /**
   * Runs up to the definition's rounds from {@code initial} (not modified), telling {@code listener} of each round
   * with its new global model (not to be modified), stopping after the first round for which {@code stop} is true,
   * and returns the last global model. A site with an empty local test split is not scored (its test figures are
   * zero and it weighs nothing in the clients' mean). Without {@code globalTest} (null: the server holds no test set),
   * the global model is scored on the sites' test splits together, which is the clients' sample-weighted score.
   *
   * @throws AggregationException when the coordinator fails the run (a round it could not aggregate)
   * @throws IllegalStateException when a site's training diverges (non-finite weights), or the coordinator refuses a
   *     site's update or score (its checks apply as in the services, but for the weight bound)
   * @throws IllegalArgumentException when the coordinator refuses the sites' registrations
   */
  public Model run(Model initial, List<Site> sites, Features globalTest, BiConsumer<Round, Model> listener,
      Predicate<Round> stop) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one site");
    }
    if (sites.size() != definition.clients()) {
      throw new IllegalArgumentException("the run is defined for " + definition.clients() + " clients, but there are "
          + sites.size() + " sites");
    }
    if (speeds != null && speeds.size() != sites.size()) {
      throw new IllegalArgumentException(speeds.size() + " client speeds for " + sites.size() + " sites: give one each");
    }
    if (byzantine > sites.size()) {
      throw new IllegalArgumentException(byzantine + " attacking clients, but only " + sites.size() + " clients");
    }
    long seed = definition.training().seed();
    // A table's test set is scored once the run has standardized it: its initial model is not scored.
    AtomicReference<Features> scoredOn = new AtomicReference<>(definition.data().schema() == null ? globalTest : null);
    RunCoordinator coordinator = new RunCoordinator(new RunRules(definition.rounds(), sites.size(), sites.size(),
        RunRules.DEFAULT_ROUND_TIMEOUT, RunRules.DEFAULT_MAX_ROUND_WAIT, Double.POSITIVE_INFINITY, Integer.MAX_VALUE),
        definition, initial, noise(seed), globalTest == null ? null
            : m -> scoredOn.get() == null ? null : Evaluator.evaluate(m, scoredOn.get(), threads),
        Clock.systemUTC(), RunStore.NONE, Duration.ofDays(1));
    boolean secureTable = definition.secureAggregation() != null && definition.data().schema() != null;
    for (Site s : sites) {
      try { // with secure aggregation a table's sums are masked, not registered
        coordinator.register(secureTable ? new ClientRegistration(s.id(), s.train().size(), s.test().size(), null,
            s.sums().sum().length) : new ClientRegistration(s.id(), s.train().size(), s.test().size(), s.sums()));
      } catch (Refusal e) { // the sites, or the run they make, are not what the run can take
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    if (secureTable) {
      java.util.Map<String, Standardization.Sums> sums = new java.util.TreeMap<>();
      sites.forEach(s -> sums.put(s.id(), s.sums()));
      InMemorySecureClients.sumColumns(coordinator, sums);
    }
    TrainingPlan.Table table = coordinator.awaitModel(-1, Duration.ZERO, null).join().plan().table();
    this.table = table;
    if (table != null) { // a table: every site standardizes its rows as the plan says, and so does the server
      sites = sites.stream().map(site -> site.standardized(table.standardization())).toList();
      if (globalTest != null) {
        scoredOn.set(table.standardization().apply(globalTest));
      }
    }
    // Without a server test set the clients' reports score the global models, which is scoring them on every site's
    // test split together.
    this.scoredOn = globalTest == null ? Features.concatenate(sites.stream().map(Site::test).toList()) : scoredOn.get();
    this.runSites = sites;
    Set<String> attackers = attackers(sites);
    if (definition.asynchrony() != null) {
      return new AsyncRun(this, coordinator, sites, attackers, threads).run(initial, listener, stop);
    }
    Model global = initial;
    double simulated = 0;
    for (int round = 1; round <= definition.rounds(); round++) {
      long start = System.nanoTime();
      ClosedRounds.Closed done = round(coordinator, round, sites, attackers, start, simulated);
      simulated = done.round().simulatedSeconds();
      global = done.model();
      listener.accept(done.round(), global);
      if (stop.test(done.round())) {
        break;
      }
    }
    return global;
  }

  /** Round {@code round}: the picked sites train and send, every site scores the new global model. */
  private ClosedRounds.Closed round(RunCoordinator coordinator, int round, List<Site> sites, Set<String> attackers, long start,
      double simulatedBefore) {
    // Each site reads the global model and the plan, as a client of the services does.
    List<GlobalModel> views = new ArrayList<>();
    for (Site s : sites) {
      views.add(coordinator.awaitModel(round - 1, Duration.ZERO, s.id()).join());
    }
    GlobalModel model = views.get(0);
    if (model.state() != RunState.TRAINING || model.round() != round - 1) {
      throw new IllegalStateException("round " + round + " is not open: the run is " + model.state() + " after round "
          + model.round());
    }
    TrainingPlan plan = model.plan();
    TrainingConfig config = plan.toConfig();
    Model current = model.toModel();
    int[] picked = IntStream.range(0, sites.size()).filter(i -> !Boolean.FALSE.equals(views.get(i).picked()))
        .toArray();
    int[] largestFirst = IntStream.range(0, picked.length).boxed()
        .sorted(Comparator.comparingInt((Integer k) -> -sites.get(picked[k]).train().size()))
        .mapToInt(Integer::intValue).toArray();
    List<List<Trainer.EpochStats>> curves = new ArrayList<>();
    for (int k = 0; k < picked.length; k++) {
      curves.add(new ArrayList<>(config.epochs()));
    }
    List<LocalTraining.Result> trained = Parallel.map(picked.length, threads, largestFirst, k -> LocalTraining.run(
        current, sites.get(picked[k]).train(), config, sites.get(picked[k]).id(), round, plan.mu(),
        curves.get(k)::add));
    List<ClientUpdate> updates = new ArrayList<>();
    double slowest = 0;
    for (int k = 0; k < picked.length; k++) {
      updates.add(update(sites.get(picked[k]).id(), trained.get(k), curves.get(k), model, attackers.contains(
          sites.get(picked[k]).id()), round));
      slowest = Math.max(slowest, trainingSeconds(sites, picked[k], config.epochs()));
    }
    SecAggCost cost = null;
    if (plan.secure()) {
      cost = InMemorySecureClients.send(coordinator, round, updates, current.params(), noise(config.seed()));
    } else {
      for (ClientUpdate u : updates) {
        ClosedRounds.request(() -> coordinator.submitUpdate(round, u));
      }
    }
    RunStatus status = coordinator.status();
    if (status.state() == RunState.FAILED) {
      throw new AggregationException(status.message());
    }
    RoundView closed = coordinator.round(round);
    if (closed.state() != RoundView.Status.COMPLETED) {
      throw new IllegalStateException("round " + round + " did not close: " + closed.participants().size() + " of "
          + closed.selected().size() + " updates in");
    }
    Map<Integer, LocalTraining.Result> bySite = new java.util.HashMap<>();
    Map<Integer, List<Trainer.EpochStats>> curveBySite = new java.util.HashMap<>();
    for (int k = 0; k < picked.length; k++) {
      bySite.put(picked[k], trained.get(k));
      curveBySite.put(picked[k], curves.get(k));
    }
    return ClosedRounds.scored(coordinator, round, sites, plan, bySite, curveBySite, attackers, start, cost,
        simulatedBefore + slowest, Map.of(), threads);
  }

  /**
   * Site {@code id}'s update of {@code round} from its training {@code t} on {@code model}, poisoned when it attacks.
   *
   * @throws IllegalStateException when its training diverged
   */
  ClientUpdate update(String id, LocalTraining.Result t, List<Trainer.EpochStats> curve, GlobalModel model,
      boolean attacks, int round) {
    if (!finite(t.weights())) {
      throw new IllegalStateException("training diverged in round " + round + " at " + id
          + " (non-finite weights): lower --learning-rate" + (byzantine == 0 ? "" : ", or weaken --attack"));
    }
    if (localModels != null) {
      localModels.put(id, t.weights());
    }
    TrainingPlan plan = model.plan();
    float[] sent = attacks ? attack.apply(model.weights(), t.weights(), plan.seed(), id, round) : t.weights();
    List<ClientUpdate.Epoch> epochs = plan.isPrivate() ? List.of() : curve.stream()
        .map(e -> new ClientUpdate.Epoch(e.epoch(), e.loss(), e.accuracy())).toList();
    return new ClientUpdate(id, t.numSamples(), model.layerSizes(), sent, t.trainLoss(), t.trainAccuracy(), epochs);
  }

  private static boolean finite(float[] weights) {
    for (float w : weights) {
      if (!Float.isFinite(w)) {
        return false;
      }
    }
    return true;
  }

}
