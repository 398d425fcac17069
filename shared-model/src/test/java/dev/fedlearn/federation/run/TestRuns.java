package dev.fedlearn.federation.run;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.engine.nn.TrainingConfig;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.federation.strategy.FedAvg;
import dev.fedlearn.federation.strategy.Strategy;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/** A tiny run for tests: a 2-2 network (6 parameters), a scorer whose "accuracy" is the first parameter. */
public final class TestRuns {
  public static final LayerSizes SIZES = LayerSizes.of(2, 2);

  private TestRuns() {}

  public static RunCoordinator run(int rounds, int clients) {
    return run(RunRules.of(rounds, clients), Clock.systemUTC());
  }

  public static RunCoordinator run(RunRules rules, Clock clock) {
    return run(rules, clock, RunStore.NONE);
  }

  public static RunCoordinator run(RunRules rules, Clock clock, RunStore store) {
    return run(rules, clock, store, new FedAvg(), ClientSampler.ALL);
  }

  public static RunCoordinator run(RunRules rules, Clock clock, RunStore store, Strategy strategy,
      ClientSampler sampler) {
    return run(rules, clock, store, strategy, sampler, null, round -> null);
  }

  /** A run of {@code strategy}, behind DP-FedAvg with {@code dp} (or not: null), its noise from {@code noise}. */
  public static RunCoordinator run(RunRules rules, Clock clock, RunStore store, Strategy strategy,
      ClientSampler sampler, DifferentialPrivacy.Settings dp, IntFunction<RandomGenerator> noise) {
    Model initial = new Model(SIZES, new float[] {0.1f, 0, 0, 0, 0, 0});
    return new RunCoordinator(rules, definition(rules, strategy, sampler, dp), initial, noise,
        m -> new Evaluation(10, 1 - m.params()[0], m.params()[0]), clock, store, Duration.ofSeconds(30));
  }

  /**
   * Opens the runs of {@code history} as tiny runs of their definitions (each of the 2-2 network, starting from the
   * weights above), on {@code clock}.
   */
  public static Runs.Opener opener(RunHistory history, Clock clock) {
    return (id, d) -> new RunCoordinator(RunRules.of(d.rounds(), d.clients()), d,
        new Model(d.layerSizes(), new float[] {0.1f, 0, 0, 0, 0, 0}), round -> null,
        m -> new Evaluation(10, 1 - m.params()[0], m.params()[0]), clock, history.store(id), Duration.ofSeconds(30));
  }

  /** The definition of the tiny runs above. */
  public static RunDefinition definition(RunRules rules, Strategy strategy, ClientSampler sampler,
      DifferentialPrivacy.Settings dp) {
    return RunDefinition.of(rules.rounds(), rules.clients(), new RunDefinition.Data("test", 10), SIZES,
        TrainingConfig.defaults().withEpochs(1), strategy, sampler, dp, null);
  }

  /** A clock the test moves by hand. */
  public static final class ManualClock extends Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    public void advance(java.time.Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  public static ClientRegistration registration(String id) {
    return new ClientRegistration(id, 100, 30);
  }

  public static ClientUpdate update(String id, long samples, float first) {
    return new ClientUpdate(id, samples, SIZES.toArray(), new float[] {first, 1, 2, 3, 4, 5}, 0.5, 0.8);
  }

  public static EvaluationReport evaluation(String id) {
    return new EvaluationReport(id, 30, 0.3, 0.9);
  }

  /** Every client of {@code sums} masks its column sums in round 1's column-sum session, which then closes. */
  public static void sumColumnsSecurely(RunCoordinator run, java.util.Map<String,
      dev.fedlearn.engine.data.Standardization.Sums> sums) {
    dev.fedlearn.protocol.SecAggPlan plan = run.secure().plan(1);
    java.util.Map<String, dev.fedlearn.federation.secagg.SecAggClient> clients = new java.util.TreeMap<>();
    for (String id : sums.keySet()) {
      clients.put(id, new dev.fedlearn.federation.secagg.SecAggClient(id, 1, plan.threshold(),
          new java.security.SecureRandom()));
      run.secure().receive(1, plan.session(), clients.get(id).advertise());
    }
    var u1 = run.secure().keysOf(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(),
        new dev.fedlearn.protocol.SecAggShares(id, c.shareKeys(u1))));
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), dev.fedlearn.protocol.MaskedUpdate.of(id,
        c.mask(dev.fedlearn.federation.secagg.ColumnSums.encode(sums.get(id)),
            run.secure().sharesFor(1, plan.session(), id)))));
    var survivors = run.secure().survivors(1, plan.session());
    clients.forEach((id, c) -> run.secure().receive(1, plan.session(), c.unmask(survivors)));
  }
}
