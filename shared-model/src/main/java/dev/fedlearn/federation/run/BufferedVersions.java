package dev.fedlearn.federation.run;

import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffered asynchronous aggregation (Nguyen et al. 2022, FedBuff): the run's "rounds" are the global model's
 * versions. Every client trains on the newest version it has and sends its change at once, naming the version it
 * started from (it sends to "round" {@code base + 1}); no client waits for a slower one. A change {@code tau} versions
 * behind the version being built is taken when {@code tau <= maxStaleness} and rebased onto the current model:
 * {@code x + eta * s(tau) * (w - x_base)}, {@code s(tau) = 1/sqrt(1 + tau)}; its weight in the buffer is its samples.
 * The strategy's sample-weighted mean of the buffer's {@code bufferSize} rebased changes is then FedBuff's step,
 * {@code x + eta * sum(n_i * s(tau_i) * (w_i - x_base_i)) / sum(n_i)}. A client sends one change per version: once
 * it has, it waits for the next version. The aggregator keeps the last {@code maxStaleness + 1} versions in memory to
 * rebase on; after a restart it holds only the current one, and older changes are dropped with the reason.
 */
final class BufferedVersions implements RoundWorkflow {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private final RunCoordinator c;
  private final RunDefinition.Asynchrony settings;
  private final Map<Integer, float[]> versions = new TreeMap<>(); // the global model's recent versions, by number

  BufferedVersions(RunCoordinator coordinator, RunDefinition.Asynchrony settings) {
    this.c = coordinator;
    this.settings = settings;
  }

  /** A strategy's {@code parameters} with asynchrony's {@code a} after them (none when null), as the status shows them. */
  static Map<String, String> shown(Map<String, String> parameters, RunDefinition.Asynchrony a) {
    if (a == null) {
      return parameters;
    }
    Map<String, String> shown = new java.util.LinkedHashMap<>(parameters);
    a.addTo(shown);
    return shown;
  }

  /** The strategy as the status shows it: its name, its parameters (and asynchrony's), the clients a round picks. */
  static RunStatus.StrategyInfo strategyInfo(dev.fedlearn.federation.strategy.Strategy strategy,
      dev.fedlearn.federation.ClientSampler sampler, RunDefinition.Asynchrony a) {
    return new RunStatus.StrategyInfo(strategy.name(), shown(strategy.parameters(), a), sampler.fraction(),
        sampler.minClients());
  }

  @Override
  public void admit(ClientRegistration registration, Collection<RunCoordinator.Client> registered) {
    // a change carries any number of samples
  }

  @Override
  public void opened(RunLedger.Round open, Instant now) {
    versions.put(open.number - 1, c.run.global.params());
    versions.keySet().removeIf(v -> v < open.number - 1 - settings.maxStaleness());
  }

  @Override
  public void restarted(RunLedger.Round open, Instant now) {
    opened(open, now); // the buffer's changes are stored, rebased: it fills on
  }

  @Override
  public boolean full(RunLedger.Round open) {
    return open.updates.size() >= settings.bufferSize();
  }

  /** Takes a change trained from version {@code round - 1}; the buffer's last one makes the next version. */
  @Override
  public RunStatus submit(int round, ClientUpdate u, RunCoordinator.Client client) {
    RunLedger.Round open = c.run.openRound();
    if (open == null || round < 1 || round > open.number) {
      throw Refusal.conflict("Version not open", "no version is built on version " + (round - 1)
          + (open == null ? "; the run is " + c.run.state : "; the newest is " + (open.number - 1)));
    }
    if (open.updates.containsKey(u.clientId())) {
      throw Refusal.conflict("Duplicate update", "client " + u.clientId() + " already sent its change for version "
          + open.number + "; one change per client per version: fetch the next version");
    }
    RequestChecks.update(u, client, c.run.global.sizes(), c.rules.maxWeightNorm(), c.training.epochs());
    int staleness = open.number - round;
    float[] base = versions.get(round - 1);
    if (staleness > settings.maxStaleness() || base == null) {
      String why = "the change of " + u.clientId() + " trained on version " + (round - 1) + " is " + staleness
          + " versions behind the newest, " + (open.number - 1) + (staleness > settings.maxStaleness()
              ? ", more than the maximum staleness of " + settings.maxStaleness()
              : ", which this aggregator no longer holds (it restarted)") + ": dropped; fetch the newest version";
      log.info("version {}: {}", open.number, why); // a refusal is not the run's state: the web layer records it
      throw new Refusal(Refusal.Kind.CONFLICT, "Too stale", why, ProblemTypes.TOO_STALE);
    }
    double weight = RunDefinition.Asynchrony.weight(staleness);
    ClientUpdate rebased = new ClientUpdate(u.clientId(), u.numSamples(), u.layerSizes(),
        rebase(c.run.global.params(), base, u.weights(), settings.serverLearningRate() * weight), u.trainLoss(),
        u.trainAccuracy(), u.epochs());
    // The version is a mean of the rebased changes: each within the bound keeps the model within it, whatever base
    // version a change names.
    double norm = RequestChecks.norm(rebased.weights());
    if (norm > c.rules.maxWeightNorm()) {
      throw Refusal.invalid(String.format(Locale.ROOT, "the change of %s on version %d, applied to version %d, has "
          + "L2 norm %.2f, above the bound of %.2f (FL_MAX_WEIGHT_NORM)", u.clientId(), round - 1, open.number - 1,
          norm, c.rules.maxWeightNorm()));
    }
    Instant now = c.now();
    c.store.updateAccepted(new RunStore.StoredUpdate(open.number, u.clientId(), u.numSamples(), u.trainLoss(),
        u.trainAccuracy(), now, rebased.weights(), u.epochs()));
    open.updates.put(u.clientId(), rebased);
    open.receivedAt.put(u.clientId(), now);
    String staled = "trained on version " + (round - 1) + ", staleness " + staleness + ", weight "
        + String.format(Locale.ROOT, "%.3f", weight);
    log.info("version {}: change from {} ({}): {}/{}", open.number, u.clientId(), staled, open.updates.size(),
        settings.bufferSize());
    c.events.record(RunEvent.Type.UPDATE, open.number, u.clientId(), "change from " + u.clientId() + " ("
        + u.numSamples() + " samples, " + staled + ", train accuracy " + RunCoordinator.pct(u.trainAccuracy())
        + "): " + open.updates.size() + "/" + settings.bufferSize(),
        Map.of("staleness", (double) staleness, "trainLoss", u.trainLoss(), "trainAccuracy", u.trainAccuracy()));
    if (full(open)) {
      RoundClosing.aggregate(c, open);
    }
    c.changed();
    return c.status();
  }

  /**
   * {@code current + step * (trained - base)}, each weight computed in double and rounded once: a change made on
   * {@code base}, scaled, applied to {@code current}.
   */
  static float[] rebase(float[] current, float[] base, float[] trained, double step) {
    float[] out = new float[current.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = (float) (current[j] + step * ((double) trained[j] - base[j]));
    }
    return out;
  }

  /**
   * At {@code roundTimeout} a version with at least one change is made from the changes buffered (the others' clients
   * may be gone); with none by {@code maxRoundWait} the run fails, saying so.
   */
  @Override
  public void tick(RunLedger.Round open) {
    Duration elapsed = Duration.between(open.startedAt, c.now());
    if (elapsed.compareTo(c.rules.roundTimeout()) < 0) {
      return;
    }
    if (!open.updates.isEmpty()) {
      String what = "version " + open.number + " deadline (" + c.rules.roundTimeout().toSeconds() + " s): making it "
          + "from the " + open.updates.size() + " of " + settings.bufferSize() + " changes buffered";
      log.warn(what);
      c.events.record(RunEvent.Type.DEADLINE, open.number, null, what);
      RoundClosing.aggregate(c, open);
      c.changed();
    } else if (elapsed.compareTo(c.rules.maxRoundWait()) >= 0) {
      c.fail("version " + open.number + " had no change after " + c.rules.maxRoundWait() + " (FL_MAX_ROUND_WAIT)");
    }
  }
}
