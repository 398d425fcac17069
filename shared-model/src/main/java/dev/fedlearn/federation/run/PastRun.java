package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.engine.data.TableSchema;
import dev.fedlearn.federation.ClientSampler;
import dev.fedlearn.federation.ModelRetention;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.TrainingPlan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A kept run other than the one the aggregator serves, read back from its store as the API and the workbook show
 * it: its status, rounds, global model, events and workbook snapshot. It changes nothing: no round is opened,
 * aggregated or restarted, and nothing is written.
 */
public final class PastRun {
  private final RunLedger run;
  private final RunRules rules;
  private final RunStatus.StrategyInfo strategyInfo;
  private final IntFunction<RunStatus.Privacy> privacy;
  private final RunDefinition definition;
  private final RunStore store;
  private final Instant endedAt;

  private PastRun(RunLedger run, RunRules rules, RunStatus.StrategyInfo strategyInfo,
      IntFunction<RunStatus.Privacy> privacy, RunDefinition definition, RunStore store, Instant endedAt) {
    this.run = run;
    this.rules = rules;
    this.strategyInfo = strategyInfo;
    this.privacy = privacy;
    this.definition = definition;
    this.store = store;
    this.endedAt = endedAt;
  }

  /**
   * The run {@code store} holds, defined by {@code definition}; empty when the store holds none, or one that never
   * began (it was stopped while queued).
   */
  public static Optional<PastRun> open(RunStore store, RunDefinition definition, Instant endedAt) {
    Optional<RunStore.Stored> stored = store.load(round -> ModelRetention.keeps(round, definition.rounds()));
    if (stored.isEmpty() || stored.get().rounds().isEmpty()) {
      return Optional.empty();
    }
    ClientSampler sampler = definition.sampling();
    long seed = definition.training().seed();
    RunLedger run = RunLedger.restore(stored.get(), definition.layerSizes(), definition.rounds(),
        (ids, round) -> sampler.pick(ids, round, seed));
    run.privateRun = definition.isPrivate();
    RunRules rules = RunRules.of(definition.rounds(), definition.clients());
    RunStatus.StrategyInfo info = BufferedVersions.strategyInfo(definition.serverStrategy(round -> null), sampler,
        definition.asynchrony());
    RunPrivacy accountant = RunPrivacy.of(definition, sampler.count(definition.clients()));
    if (accountant != null) {
      accountant.closedBefore(run);
    }
    return Optional.of(new PastRun(run, rules, info, accountant == null ? null : accountant.spent(), definition,
        store, endedAt));
  }

  /** Its status when it ended (or now, for one that never did). */
  public RunStatus status() {
    return run.status(rules, strategyInfo, privacy, at());
  }

  /** Its rounds; one it stopped before it closed is STOPPED. */
  public List<RoundView> rounds() {
    return run.rounds(rules.roundTimeout()).stream().map(this::asEnded).toList();
  }

  public RoundView round(int number) {
    return asEnded(run.round(number, rules.roundTimeout()));
  }

  private RoundView asEnded(RoundView v) {
    return run.state == dev.fedlearn.protocol.RunState.STOPPED ? v.stopped() : v;
  }

  /**
   * Its last global model, as {@code GET /model} serves a model: without a plan (the run trains no more), but for a
   * table's run, whose plan carries the schema and the standardization the model takes its inputs by.
   */
  public GlobalModel model() {
    TableSchema schema = definition.data().schema();
    Standardization standardization = schema == null ? null
        : Registrations.standardization(run, definition.clients());
    TrainingPlan plan = standardization == null ? null
        : TrainingPlan.of(definition.trainingConfig()).withTable(new TrainingPlan.Table(schema, standardization));
    return GlobalModel.of(run.completed, rules.rounds(), run.state, run.global, plan);
  }

  /** Everything its workbook shows. */
  public RunCoordinator.Snapshot snapshot() {
    return run.snapshot(rules, strategyInfo, privacy, definition.flattened(), at());
  }

  /** Its events, oldest first. */
  public List<RunEvent> events() {
    return store.events();
  }

  private Instant at() {
    return endedAt != null ? endedAt : Instant.now();
  }
}
