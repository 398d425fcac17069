package dev.fedlearn.federation;

import dev.fedlearn.federation.strategy.ClientResult;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.Parallel;
import dev.fedlearn.engine.nn.Trainer;
import dev.fedlearn.engine.nn.TrainingConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A whole federated run in one process, without a network. Each round the {@link ClientSampler} picks sites; each
 * picked site trains the global model on its own data (sites in parallel, largest first; with the strategy's
 * {@linkplain Strategy#proximalMu proximal mu}); the first {@code byzantine} sites by id, when picked, send their
 * update poisoned by the {@link Attack}; the strategy aggregates the updates with its state of the previous round
 * (no failures: every picked site answers); the new global model is scored on the held-out test set and on every
 * site's local test split, picked or not, as the services' clients score every global model.
 *
 * <p>With {@link ClientSampler#ALL}, no attack and {@link FedAvg}, a round is what it always was, bit for bit.
 */
public final class Simulation {
  /** One site: its id and its local train and test data. */
  public record Site(String id, Features train, Features test) {}

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
   * One round: the new global model's scores, every site's figures, the sites picked (sorted by id), and the
   * sample-weighted mean of the sites' scores of the new model ({@link Evaluations#weighted}). It holds no model, so
   * a kept history of rounds stays small; {@link #run(Model, List, Features, int, BiConsumer, Predicate)} hands the
   * model alongside.
   */
  public record Round(int round, double globalTestLoss, double globalTestAccuracy, List<SiteRound> sites,
      double seconds, List<String> picked, double clientTestLoss, double clientTestAccuracy) {}

  private final TrainingConfig config;
  private final Strategy strategy;
  private final int threads;
  private final ClientSampler sampler;
  private final int byzantine;
  private final Attack attack;

  /** Every site every round, no attack. */
  public Simulation(TrainingConfig config, Strategy strategy, int threads) {
    this(config, strategy, threads, ClientSampler.ALL, 0, Attack.NONE);
  }

  /**
   * @param sampler which sites train each round
   * @param byzantine how many sites attack: the first ones by id
   * @param attack what they send
   */
  public Simulation(TrainingConfig config, Strategy strategy, int threads, ClientSampler sampler, int byzantine,
      Attack attack) {
    if (byzantine < 0) {
      throw new IllegalArgumentException("the number of attacking clients must be 0 or more, got " + byzantine);
    }
    this.config = config;
    this.strategy = strategy;
    this.threads = Math.max(1, threads);
    this.sampler = sampler;
    this.byzantine = byzantine;
    this.attack = attack;
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

  /** Runs {@code rounds} rounds from {@code initial} (not modified) and returns the final global model. */
  public Model run(Model initial, List<Site> sites, Features globalTest, int rounds, Consumer<Round> listener) {
    return run(initial, sites, globalTest, rounds, (r, model) -> {
      if (listener != null) {
        listener.accept(r);
      }
    }, r -> false);
  }

  /**
   * Runs up to {@code rounds} rounds from {@code initial} (not modified), telling {@code listener} of each round with
   * its new global model (not to be modified), stopping after the first round for which {@code stop} is true, and
   * returns the last global model. A site with an empty local test split is not scored (its test figures are zero and
   * it weighs nothing in the clients' mean).
   */
  public Model run(Model initial, List<Site> sites, Features globalTest, int rounds,
      BiConsumer<Round, Model> listener, Predicate<Round> stop) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one site");
    }
    if (byzantine > sites.size()) {
      throw new IllegalArgumentException(byzantine + " attacking clients, but only " + sites.size() + " clients");
    }
    List<String> ids = sites.stream().map(Site::id).toList();
    Set<String> attackers = attackers(sites);
    float mu = strategy.proximalMu();
    Model global = initial.copy();
    Map<String, float[]> state = Map.of();
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      Set<String> pickedIds = new HashSet<>(sampler.pick(ids, round, config.seed()));
      int[] picked = new int[pickedIds.size()];
      int count = 0;
      for (int i = 0; i < sites.size(); i++) {
        if (pickedIds.contains(sites.get(i).id())) {
          picked[count++] = i;
        }
      }
      int[] largestFirst = java.util.stream.IntStream.range(0, picked.length).boxed()
          .sorted(Comparator.comparingInt((Integer k) -> -sites.get(picked[k]).train().size()))
          .mapToInt(Integer::intValue).toArray();
      Model current = global;
      int r = round;
      List<List<Trainer.EpochStats>> curves = new ArrayList<>();
      for (int k = 0; k < picked.length; k++) {
        curves.add(new ArrayList<>(config.epochs()));
      }
      List<LocalTraining.Result> trained = Parallel.map(picked.length, threads, largestFirst, k -> LocalTraining.run(
          current, sites.get(picked[k]).train(), config, sites.get(picked[k]).id(), r, mu, curves.get(k)::add));
      List<ClientResult> results = new ArrayList<>();
      LocalTraining.Result[] bySite = new LocalTraining.Result[sites.size()];
      List<List<Trainer.EpochStats>> curveBySite = new ArrayList<>(java.util.Collections.nCopies(sites.size(), null));
      for (int k = 0; k < picked.length; k++) {
        Site site = sites.get(picked[k]);
        LocalTraining.Result t = trained.get(k);
        bySite[picked[k]] = t;
        curveBySite.set(picked[k], curves.get(k));
        float[] sent = attackers.contains(site.id())
            ? attack.apply(current.params(), t.weights(), config.seed(), site.id(), round) : t.weights();
        results.add(new ClientResult(site.id(), sent, t.numSamples()));
      }
      Strategy.Aggregation next = strategy.aggregate(round, current, results, List.of(), state);
      global = next.model();
      state = next.state();
      Model model = global;
      Evaluation overall = Evaluator.evaluate(model, globalTest, threads);
      List<Evaluation> local = Parallel.map(sites.size(), threads, i -> sites.get(i).test().size() == 0
          ? new Evaluation(0, 0, 0) : Evaluator.evaluate(model, sites.get(i).test()));
      List<SiteRound> siteRounds = new ArrayList<>();
      List<Evaluations.Score> scores = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        LocalTraining.Result t = bySite[i];
        Evaluation e = local.get(i);
        String id = sites.get(i).id();
        siteRounds.add(t == null ? new SiteRound(id, 0, 0, 0, e.count(), e.loss(), e.accuracy(), false, false,
            List.of()) : new SiteRound(id, t.numSamples(), t.trainLoss(), t.trainAccuracy(), e.count(), e.loss(),
                e.accuracy(), true, attackers.contains(id), curveBySite.get(i)));
        scores.add(new Evaluations.Score(e.count(), e.loss(), e.accuracy()));
      }
      Evaluations.Mean mean = Evaluations.weighted(scores);
      Round done = new Round(round, overall.loss(), overall.accuracy(), siteRounds, (System.nanoTime() - start) / 1e9,
          pickedIds.stream().sorted().toList(), mean.loss(), mean.accuracy());
      listener.accept(done, model);
      if (stop.test(done)) {
        break;
      }
    }
    return global;
  }
}
