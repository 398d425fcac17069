package dev.fedlearn.fl;

import dev.fedlearn.data.Features;
import dev.fedlearn.nn.Evaluation;
import dev.fedlearn.nn.Evaluator;
import dev.fedlearn.nn.Model;
import dev.fedlearn.nn.Parallel;
import dev.fedlearn.nn.TrainingConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A whole federated run in one process, without a network: each round every site trains the global model on its
 * own data (sites in parallel, largest first), the strategy aggregates, the new global model is scored on the
 * held-out test set and on every site's local test split.
 */
public final class Simulation {
  /** One site: its id and its local train and test data. */
  public record Site(String id, Features train, Features test) {}

  /** A site's figures in one round. */
  public record SiteRound(String clientId, int trainSamples, double trainLoss, double trainAccuracy,
      int testSamples, double testLoss, double testAccuracy) {}

  /** One round: the new global model's scores and every site's figures. */
  public record Round(int round, double globalTestLoss, double globalTestAccuracy, List<SiteRound> sites,
      double seconds) {}

  private final TrainingConfig config;
  private final Strategy strategy;
  private final int threads;

  public Simulation(TrainingConfig config, Strategy strategy, int threads) {
    this.config = config;
    this.strategy = strategy;
    this.threads = Math.max(1, threads);
  }

  /** Runs {@code rounds} rounds from {@code initial} (not modified) and returns the final global model. */
  public Model run(Model initial, List<Site> sites, Features globalTest, int rounds, Consumer<Round> listener) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one site");
    }
    int[] largestFirst = IntStream.range(0, sites.size()).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> -sites.get(i).train().size()))
        .mapToInt(Integer::intValue).toArray();
    Model global = initial.copy();
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      Model current = global;
      int r = round;
      List<LocalTraining.Result> trained = Parallel.map(sites.size(), threads, largestFirst,
          i -> LocalTraining.run(current, sites.get(i).train(), config, sites.get(i).id(), r, null));
      List<ClientResult> results = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        results.add(new ClientResult(sites.get(i).id(), trained.get(i).weights(), trained.get(i).numSamples()));
      }
      global = strategy.aggregate(current, results);
      Model next = global;
      Evaluation overall = Evaluator.evaluate(next, globalTest, threads);
      List<Evaluation> local = Parallel.map(sites.size(), threads, i -> Evaluator.evaluate(next, sites.get(i).test()));
      List<SiteRound> siteRounds = new ArrayList<>();
      for (int i = 0; i < sites.size(); i++) {
        LocalTraining.Result t = trained.get(i);
        Evaluation e = local.get(i);
        siteRounds.add(new SiteRound(sites.get(i).id(), t.numSamples(), t.trainLoss(), t.trainAccuracy(), e.count(),
            e.loss(), e.accuracy()));
      }
      if (listener != null) {
        listener.accept(new Round(round, overall.loss(), overall.accuracy(), siteRounds,
            (System.nanoTime() - start) / 1e9));
      }
    }
    return global;
  }
}
