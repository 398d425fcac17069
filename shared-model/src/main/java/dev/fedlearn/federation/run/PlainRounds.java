package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain workflow of a run's rounds: each picked client sends its trained weights, checked and stored as they
 * arrive; the last one expected, or the deadline with the quorum, hands them to the strategy.
 */
final class PlainRounds implements RoundWorkflow {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private final RunCoordinator c;

  PlainRounds(RunCoordinator coordinator) {
    this.c = coordinator;
  }

  @Override
  public void admit(ClientRegistration registration, Collection<RunCoordinator.Client> registered) {
    // plain updates carry any number of samples
  }

  @Override
  public void opened(RunLedger.Round open, Instant now) {
    // the clients send their updates to the open round
  }

  @Override
  public void restarted(RunLedger.Round open, Instant now) {
    // the updates received are stored: the round goes on
  }

  /** Takes a picked client's update for the open round; the last one expected closes the round. */
  @Override
  public RunStatus submit(int round, ClientUpdate u, RunCoordinator.Client client) {
    RunLedger.Round open = c.openRound(round);
    if (!open.picked.contains(u.clientId())) {
      throw Refusal.conflict("Not picked", "client " + u.clientId() + " is not picked for round " + round
          + " (the strategy picked " + open.picked + "); it sits this round out");
    }
    if (open.updates.containsKey(u.clientId())) {
      throw Refusal.conflict("Duplicate update", "client " + u.clientId() + " already sent its update for round "
          + round);
    }
    RequestChecks.update(u, client, c.run.global.sizes(), c.rules.maxWeightNorm(), c.training.epochs());
    Instant now = c.now();
    c.store.updateAccepted(new RunStore.StoredUpdate(round, u.clientId(), u.numSamples(), u.trainLoss(),
        u.trainAccuracy(), now, u.weights(), u.epochs()));
    open.updates.put(u.clientId(), u);
    open.receivedAt.put(u.clientId(), now);
    log.info("round {}: update from {}: {}/{}", round, u.clientId(), open.updates.size(), open.picked.size());
    if (c.privateRun) {
      c.events.record(RunEvent.Type.UPDATE, round, u.clientId(), "update from " + u.clientId() + ": "
          + open.updates.size() + "/" + open.picked.size());
    } else {
      c.events.record(RunEvent.Type.UPDATE, round, u.clientId(), "update from " + u.clientId() + " (" + u.numSamples()
          + " samples, train loss " + String.format(Locale.ROOT, "%.4f", u.trainLoss()) + ", train accuracy "
          + c.pct(u.trainAccuracy()) + "): " + open.updates.size() + "/" + open.picked.size(),
          Map.of("trainLoss", u.trainLoss(), "trainAccuracy", u.trainAccuracy()));
    }
    if (full(open)) {
      RoundClosing.aggregate(c, open);
    }
    c.changed();
    return c.status();
  }

  /**
   * Enforces the round's deadline: at {@code roundTimeout} a round
   * with the quorum is aggregated with whoever reported; below the quorum it waits for late clients until
   * {@code maxRoundWait}, then the run fails with the reason.
   */
  @Override
  public void tick(RunLedger.Round open) {
    Duration elapsed = Duration.between(open.startedAt, c.now());
    if (elapsed.compareTo(c.rules.roundTimeout()) < 0) {
      return;
    }
    List<String> missing = c.run.missing(open);
    int quorum = Math.min(c.rules.minClients(), open.picked.size());
    if (open.updates.size() >= quorum) {
      log.warn("round {} deadline ({}): aggregating the {} updates received, without {}", open.number,
          c.rules.roundTimeout(), open.updates.size(), missing);
      c.events.record(RunEvent.Type.DEADLINE, open.number, null, "round " + open.number + " deadline ("
          + c.rules.roundTimeout().toSeconds() + " s): aggregating the " + open.updates.size()
          + " updates received, without " + missing);
      RoundClosing.aggregate(c, open);
      c.changed();
    } else if (!open.pastDeadline) {
      open.pastDeadline = true;
      log.warn("round {} deadline ({}): {} of the {} updates it needs; waiting for {} up to {}", open.number,
          c.rules.roundTimeout(), open.updates.size(), quorum, missing, c.rules.maxRoundWait());
      c.events.record(RunEvent.Type.DEADLINE, open.number, null, "round " + open.number + " deadline ("
          + c.rules.roundTimeout().toSeconds() + " s) passed with " + open.updates.size() + " of the " + quorum
          + " updates it needs: waiting for " + missing + " up to " + c.rules.maxRoundWait().toSeconds() + " s");
    }
    if (open.updates.size() < quorum && elapsed.compareTo(c.rules.maxRoundWait()) >= 0) {
      c.fail("round " + open.number + " had " + open.updates.size() + " of the " + quorum
          + " updates it needs after " + c.rules.maxRoundWait() + " (FL_MAX_ROUND_WAIT); missing " + missing);
    }
  }
}
