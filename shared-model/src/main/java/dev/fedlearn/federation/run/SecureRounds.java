package dev.fedlearn.federation.run;

import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.FixedPoint;
import dev.fedlearn.federation.secagg.SecAggSession;
import dev.fedlearn.federation.secagg.SecureAggregation;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggMessage;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.SecAggStep;
import dev.fedlearn.protocol.UnmaskingShares;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secure aggregation workflow of a run's rounds: every round's updates arrive through a
 * {@link SecAggSession}, step by step, from the picked clients; the strategy receives one result, the unmasked mean
 * ({@link SecureAggregation#result}). A session that cannot go on is abandoned and the round goes on in a new one,
 * or, once unmasking shares were asked for, closes with no update. Its methods are the clients' transport's: the
 * aggregator's HTTP controller, or {@code fl simulate}'s sites in memory; each holds the coordinator's lock.
 */
public final class SecureRounds implements RoundWorkflow {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

  private final RunCoordinator c;
  private final SecAggSettings settings;
  private volatile SecAggSession session; // the open round's session; null before the first round
  private Instant columnsOpened; // when the current column-sum session opened

  SecureRounds(RunCoordinator coordinator, SecAggSettings settings) {
    this.c = coordinator;
    this.settings = settings;
  }

  /**
   * Without differential privacy, refuses a registration whose training samples, with the others', the fixed-point
   * encoding of a round could not hold: the samples of the most clients a round picks, the largest ones.
   */
  @Override
  public void admit(ClientRegistration r, Collection<RunCoordinator.Client> registered) {
    if (settings.dp() == null) {
      List<Integer> samples = new java.util.ArrayList<>();
      samples.add(r.trainSamples());
      registered.forEach(client -> samples.add(client.trainSamples()));
      long total = samples.stream().sorted(java.util.Comparator.reverseOrder()).limit(c.picksPerRound())
          .mapToLong(Integer::longValue).sum();
      try {
        FixedPoint.scale(settings.bound(), total);
      } catch (IllegalArgumentException e) {
        throw Refusal.invalid("secure aggregation cannot encode the " + total + " training samples a round may sum "
            + "with weights up to the bound " + settings.bound() + " (FL_SECAGG_BOUND, --secagg-bound) in 32 bits: "
            + e.getMessage());
      }
    }
  }

  @Override
  public void opened(RunLedger.Round open, Instant now) {
    newSession(open, now, null);
  }

  @Override
  public void restarted(RunLedger.Round open, Instant now) {
    if (summingColumns() && c.run.columnsRevealed) {
      TableStatistics.restartedAfterReveal(c);
      return;
    }
    newSession(open, now, "the aggregator restarted: the open round's secure aggregation starts again");
  }

  /**
   * Whether the run still needs its table's column sums: a table's run sums them in a session of their own, among all
   * its clients, before round 1 trains ({@link TableStatistics}).
   */
  private boolean summingColumns() {
    return c.definition().data().schema() != null && c.run.columnSums == null;
  }

  @Override
  public void tick(RunLedger.Round open) {
    secureTick(open);
  }

  /** Refuses a plain update: it would show the client's weights. */
  @Override
  public RunStatus submit(int round, ClientUpdate update, RunCoordinator.Client client) {
    throw Refusal.conflict("Secure aggregation", "this run takes updates only through secure aggregation "
        + "(GET /rounds/" + round + "/secagg): a plain update would show the client's weights");
  }

  /** The open round's secure aggregation session. */
  public SecAggPlan plan(int round) {
    synchronized (c) {
      c.serving();
      secureSession(round, null);
      return session.plan().at(session.step());
    }
  }

  /**
   * A client's message to the open round's session {@code sessionId}, taken in its step: public keys (step 1),
   * encrypted shares (step 2), a masked update (step 3; a complaint about another client's share instead), unmasking
   * shares (step 4: the last one expected unmasks the sum and closes the round). A message that breaks the protocol
   * drops its client from the session and is refused.
   */
  public void receive(int round, String sessionId, SecAggMessage message) {
    if (message == null || message.clientId() == null) {
      throw Refusal.invalid("a secure aggregation message names the client that sends it");
    }
    if (message instanceof SecAggComplaint complaint && complaint.against() == null) {
      throw Refusal.invalid("a complaint names the reporting client (clientId) and the one it reports (against)");
    }
    synchronized (c) {
      c.serving();
      c.registered(message.clientId());
      SecAggSession s = secureSession(round, sessionId);
      switch (message) {
        case KeyAdvertisement keys -> {
          if (inSession(s, () -> s.keys(keys, c.now()))) {
            logStep(s, "public keys from all picked clients");
          }
        }
        case SecAggShares shares -> {
          if (inSession(s, () -> s.shares(shares.clientId(), shares.shares(), c.now()))) {
            logStep(s, "encrypted shares from all of U1");
          }
        }
        case MaskedUpdate update -> {
          boolean closed = inSession(s, () -> s.masked(update, c.now()));
          c.events.record(RunEvent.Type.UPDATE, round, update.clientId(), (s.plan().sumsColumns()
              ? "masked column sums from " : "masked update from ") + update.clientId());
          if (closed) {
            logStep(s, "masked updates from all of U2");
          }
          c.changed();
        }
        case UnmaskingShares answer -> settle(c.openRound(round), s, inSession(s,
            () -> s.unmasking(answer, samplesBound(s))));
        case SecAggComplaint complaint -> SessionComplaints.take(this, c, round, s, complaint);
      }
    }
  }

  /** Runs a step of session {@code s}; when the step refuses the message, settles what that drop changed. */
  private <T> T inSession(SecAggSession s, Supplier<T> step) {
    try {
      return step.get();
    } catch (Refusal e) {
      afterRefusal(s);
      throw e;
    }
  }

  /**
   * After a step refused a message, which may have dropped its client from the session: a session that can no longer
   * reach its threshold closes the round with no update; else a step that now has every message it still expects
   * closes.
   */
  private void afterRefusal(SecAggSession s) {
    RunLedger.Round open = c.run.openRound();
    if (open == null || session != s || s.step() == SecAggStep.DONE || s.step() == SecAggStep.ABANDONED) {
      return;
    }
    if (s.hopeless()) {
      s.abandon("fewer clients than the threshold of " + s.threshold() + " are left after dropping " + s.dropped()
          .keySet());
      if (s.plan().sumsColumns()) {
        settle(open, s, null);
        return;
      }
      RoundClosing.closeWithoutUpdate(c, open, "secure aggregation session " + s.plan().session() + " "
          + s.abandonedBecause());
      c.changed();
      return;
    }
    SecAggStep before = s.step();
    SecAggSession.Result result = s.closeIfComplete(c.now(), before == SecAggStep.UNMASK ? samplesBound(s) : 0);
    if (s.step() != before && result == null && s.step() != SecAggStep.ABANDONED) {
      logStep(s, "every message but those of the dropped clients " + s.dropped().keySet());
    }
    settle(open, s, result);
  }

  /**
   * A future that completes with true once {@code step} of the session closed (or the session was abandoned: the
   * answer then says so), or with false when it has not within {@code wait}; refuses a session that is not the open
   * round's current one.
   */
  public CompletableFuture<Boolean> stepClosed(int round, String sessionId,
      SecAggStep step, Duration wait) {
    synchronized (c) {
      SecAggSession s = secureSession(round, sessionId);
      return s.closed(step).thenApply(v -> true).completeOnTimeout(false, wait.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** U1's public keys, once step 1 closed. */
  public List<KeyAdvertisement> keysOf(int round, String sessionId) {
    synchronized (c) {
      return secureSession(round, sessionId).u1();
    }
  }

  /** The shares addressed to {@code clientId}, once step 2 closed. */
  public List<EncryptedShare> sharesFor(int round, String sessionId,
      String clientId) {
    synchronized (c) {
      return secureSession(round, sessionId).sharesFor(clientId);
    }
  }

  /** U3, the clients whose masked update arrived, once step 3 closed. */
  public List<String> survivors(int round, String sessionId) {
    synchronized (c) {
      SecAggSession s = secureSession(round, sessionId);
      TableStatistics.revealing(c, s); // kept before any client learns U3 and sends its unmasking shares
      return s.survivors();
    }
  }

  /** The open round's session, refusing a run without secure aggregation, another round, or a stale session id. */
  private SecAggSession secureSession(int round, String sessionId) {
    c.openRound(round);
    SecAggSession s = session;
    if (sessionId != null && !sessionId.equals(s.plan().session())) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Session abandoned", "session " + sessionId + " of round " + round
          + " is over; the round's session is now " + s.plan().session() + ": start again with GET /rounds/" + round
          + "/secagg", ProblemTypes.SECAGG_START_AGAIN);
    }
    if (sessionId != null && s.step() == SecAggStep.ABANDONED) {
      throw new Refusal(Refusal.Kind.CONFLICT, "Session abandoned", "session " + sessionId + " of round " + round
          + " was abandoned (" + s.abandonedBecause() + "): start again with GET /rounds/" + round + "/secagg",
          ProblemTypes.SECAGG_START_AGAIN);
    }
    return s;
  }

  /**
   * The most samples an unmasked sum may count: the survivors' registered training samples, or with differential
   * privacy (one unweighted input each) their number.
   */
  private long samplesBound(SecAggSession s) {
    if (!s.revealed() || s.plan().sumsColumns()) {
      return 0; // before step 4 there is nothing to bound; column sums are checked as the run decodes them
    }
    if (s.plan().privacy()) {
      return s.survivors().size();
    }
    long n = 0;
    for (String id : s.survivors()) {
      n += c.run.clients.get(id).trainSamples();
    }
    return n;
  }

  private void logStep(SecAggSession s, String what) {
    c.events.record(RunEvent.Type.SECAGG, s.plan().round(), null, "secure aggregation of round " + s.plan().round()
        + ": " + what + "; step " + s.step().name().toLowerCase(Locale.ROOT) + " with " + s.expected() + " clients");
  }

  private void secureTick(RunLedger.Round open) {
    Instant now = c.now();
    Duration elapsed = Duration.between(open.startedAt, now);
    SecAggSession s = session;
    SecAggStep before = s.step();
    List<String> late = s.waitingFor();
    boolean pastDeadline = s.plan().sumsColumns() // nothing trains before the column sums: their step's time
        ? Duration.between(columnsOpened, now).compareTo(settings.stepTimeout()) >= 0
        : elapsed.compareTo(c.rules.roundTimeout()) >= 0;
    SecAggSession.Result result = s.tick(now, pastDeadline, before == SecAggStep.UNMASK ? samplesBound(s) : 0);
    if (s.step() != before && s.step() != SecAggStep.ABANDONED && result == null) {
      logStep(s, "time is up for step " + before.name().toLowerCase(Locale.ROOT) + ", going on without " + late);
    } else if (result != null) {
      c.events.record(RunEvent.Type.SECAGG, open.number, null, "secure aggregation of round " + open.number
          + ": time is up for step unmask, going on without " + late);
    }
    settle(open, s, result);
    if (c.run.openRound() == open && session.step() == SecAggStep.KEYS // counted again: the sums restart round 1
        && Duration.between(open.startedAt, now).compareTo(c.rules.maxRoundWait()) >= 0) {
      c.fail("round " + open.number + "'s secure aggregation had public keys from fewer than the "
          + session.threshold() + " clients it needs after " + c.rules.maxRoundWait() + " (FL_MAX_ROUND_WAIT)");
    }
  }

  /**
   * Closes the round with a session's result; when the session was abandoned, starts a new one, or, once it had asked
   * for unmasking shares, closes the round with no update (a session whose shares were revealed never starts again
   * with the same inputs).
   */
  private void settle(RunLedger.Round open, SecAggSession s, SecAggSession.Result result) {
    if (result != null && s.plan().sumsColumns()) {
      TableStatistics.summed(c, open, s, result);
      if (c.run.columnSums != null) {
        newSession(open, c.now(), null); // round 1's own session, for its weights
      }
      c.changed();
    } else if (result != null) {
      closeSecure(open, s, result);
      c.changed();
    } else if (s.step() == SecAggStep.ABANDONED && c.run.openRound() == open && s.revealed()
        && s.plan().sumsColumns()) {
      TableStatistics.failedAfterReveal(c, s);
    } else if (s.step() == SecAggStep.ABANDONED && c.run.openRound() == open && s.revealed()) {
      RoundClosing.closeWithoutUpdate(c, open, "secure aggregation session " + s.plan().session()
          + " failed after the unmasking shares were asked for (" + s.abandonedBecause() + ")");
      c.changed();
    } else if (s.step() == SecAggStep.ABANDONED && c.run.openRound() == open) {
      newSession(open, c.now(), "secure aggregation session " + s.plan().session() + " abandoned: "
          + s.abandonedBecause());
      c.changed();
    }
  }

  /** Records the included clients' figures (their weights the aggregator never had) and aggregates the mean. */
  private void closeSecure(RunLedger.Round open, SecAggSession s, SecAggSession.Result result) {
    Instant now = c.now();
    for (MaskedUpdate m : result.included().values()) {
      RunCoordinator.Client client = c.run.clients.get(m.clientId());
      c.store.updateAccepted(new RunStore.StoredUpdate(open.number, m.clientId(), client.trainSamples(),
          Double.NaN, Double.NaN, now, new float[0], List.of()));
      open.updates.put(m.clientId(), new ClientUpdate(m.clientId(), client.trainSamples(), c.run.global.sizes()
          .toArray(), null, Double.NaN, Double.NaN, List.of()));
      open.receivedAt.put(m.clientId(), now);
    }
    c.events.record(RunEvent.Type.SECAGG, open.number, null, "secure aggregation of round " + open.number
        + ": masks removed, the mean of " + result.included().size() + " clients " + result.included().keySet());
    RoundClosing.aggregate(c, open, List.of(SecureAggregation.result(s.plan(), c.run.global.params(), result)));
  }

  /**
   * Starts a secure aggregation session for the open round (again, saying why, when {@code why} is set): among its
   * picked clients, for their weights; or, while a table's run still needs its column sums, among all its clients,
   * for those.
   */
  void newSession(RunLedger.Round open, Instant now, String why) {
    boolean columns = summingColumns();
    List<String> members = new ArrayList<>(columns ? c.run.clients.keySet() : open.picked);
    members.removeAll(open.excluded);
    long samples = 0;
    for (String id : members) {
      samples += c.run.clients.get(id).trainSamples();
    }
    SecAggSession previous = session;
    columnsOpened = columns ? now : null;
    session = columns
        ? ColumnSums.session(open.number, members, c.definition().data().schema().inputs(), settings.stepTimeout(), now)
        : new SecAggSession(open.number, members, samples, settings.bound(), settings.dp(),
            c.run.global.params().length, settings.stepTimeout(), now);
    if (previous != null) {
      previous.abandon(why == null ? "the round closed" : why);
    }
    if (why != null) {
      log.warn("round {}: {}; new secure aggregation session {}", open.number, why, session.plan().session());
      c.events.record(RunEvent.Type.SECAGG, open.number, null, why + "; new session " + session.plan().session());
    }
  }
}
