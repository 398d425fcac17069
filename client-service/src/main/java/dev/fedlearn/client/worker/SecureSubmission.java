package dev.fedlearn.client.worker;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.SecAggChannel;
import dev.fedlearn.federation.secagg.SecAggException;
import dev.fedlearn.federation.secagg.SecAggParticipant;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.ProblemTypes;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.TrainingPlan;
import dev.fedlearn.protocol.UnmaskingShares;
import dev.fedlearn.protocol.RunState;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a round's update through secure aggregation: {@link SecAggParticipant}, the same client side as
 * {@code fl simulate}'s, over HTTP (the aggregator's session steps, each answer a long poll). A session the aggregator
 * ends (problem type {@link ProblemTypes#SECAGG_START_AGAIN}: too few clients in a step, a bad share, a restart) is
 * joined again from the start, with new keys; a client the aggregator excludes ({@link ProblemTypes#SECAGG_EXCLUDED})
 * sits the round out, and so does a client that sent its unmasking shares once (two unmaskings of one update could
 * reveal it). A table's run with secure aggregation first sums its clients' column sums in sessions of their own
 * ({@link #columnSums}).
 */
final class SecureSubmission {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);
  /** How long a client that is done with a column-sum session waits before it looks at the run again. */
  private static final Duration COLUMN_SUMS_WAIT = Duration.ofMillis(250);

  private final AggregatorClient aggregator;
  private final AggregatorCalls calls;
  private final StatusTracker tracker;
  private final String clientId;
  private final int pollWaitSeconds;
  private final PlanFloors floors;
  /**
   * The column-sum sessions of run {@code columnsRun} this client took part in: it never joins one twice, nor another
   * after revealing its unmasking shares in one.
   */
  private final Set<String> columnSessions = new HashSet<>();
  private boolean columnsRevealed;
  private Integer columnsRun;

  SecureSubmission(AggregatorClient aggregator, AggregatorCalls calls, StatusTracker tracker, String clientId,
      int pollWaitSeconds, PlanFloors floors) {
    this.aggregator = aggregator;
    this.calls = calls;
    this.tracker = tracker;
    this.clientId = clientId;
    this.pollWaitSeconds = pollWaitSeconds;
    this.floors = floors;
  }

  /**
   * Sends the update of {@code round}, trained from {@code global} (with differential privacy, as its clipped change
   * plus its share of the noise). Returns whether it made it into the round's sum: false when the round closed
   * without it or went on without this client. Throws {@link PlanRefused} when a session is below this client's
   * floors, before it sends anything to that session.
   */
  boolean submit(int round, ClientUpdate update, float[] global) throws InterruptedException {
    String[] revealedIn = {null}; // the session this client sent unmasking shares in: it never masks this update again
    while (true) {
      if (revealedIn[0] != null) {
        log.warn("round {}: this client sent its unmasking shares in session {}; it does not take part in another "
            + "session of the round with the same update (two unmaskings could reveal it), and sits the round out",
            round, revealedIn[0]);
        return false;
      }
      SecAggPlan plan;
      try {
        plan = calls.retrying("read round " + round + "'s secure aggregation session",
            () -> aggregator.secAggPlan(round));
      } catch (AggregatorRejectedException e) {
        refused(round, e);
        return false;
      }
      PlanRefused.unless(floors.refusal(plan));
      if (!plan.picked().contains(clientId)) {
        return false;
      }
      String session = plan.session();
      try {
        SecureRandom random = new SecureRandom();
        int[] input = SecAggParticipant.input(plan, update.weights(), update.numSamples(), global, random);
        Http channel = new Http(round, session, () -> revealedIn[0] = session);
        switch (SecAggParticipant.takePart(plan, clientId, input, random, channel)) {
          case INCLUDED -> {
            log.info("round {}: masked update sent in secure aggregation session {} ({} clients, threshold {})",
                round, session, channel.survivors, plan.threshold());
            return true;
          }
          case LEFT_OUT -> {
            log.warn("round {}: a step of secure aggregation session {} closed without this client; its update is "
                + "not in the round", round, session);
            return false;
          }
          case COMPLAINED -> {
            // The aggregator goes on without this client and the one it reported.
          }
        }
      } catch (AggregatorRejectedException e) {
        if (e.is(ProblemTypes.SECAGG_START_AGAIN)) {
          log.warn("round {}: secure aggregation session {} is over ({}); reading the round's session again and "
              + "starting with new keys", round, session, e.detail());
          continue;
        }
        refused(round, e);
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

  /**
   * When {@code model}'s run waits for its table's column sums before round 1 trains: masks this client's column sums
   * of {@code data}'s table in the round's column-sum session, or waits a moment while the aggregator finishes it
   * (its session is then the round's, for weights), and returns true; else false. A shard that does not fit the plan
   * sits the run out; a session abandoned before this client revealed anything is joined again with new keys, and
   * one that fails after that fails the run (the aggregator never asks for the same sums twice).
   */
  boolean columnSums(GlobalModel model, LocalData data) throws InterruptedException {
    TrainingPlan plan = model.plan();
    if (model.state() != RunState.TRAINING || plan == null || !plan.secure() || plan.table() == null
        || plan.table().standardization() != null) {
      return false;
    }
    sumColumns(model.round() + 1, model.run(), data, plan);
    return true;
  }

  private void sumColumns(int round, Integer run, LocalData data, TrainingPlan plan) throws InterruptedException {
    if (!java.util.Objects.equals(run, columnsRun)) {
      columnSessions.clear();
      columnsRevealed = false;
      columnsRun = run;
    }
    while (true) {
      SecAggPlan session;
      try {
        session = calls.retrying("read the secure aggregation session of the column sums",
            () -> aggregator.secAggPlan(round));
      } catch (AggregatorRejectedException e) {
        calls.refused("take part in the secure aggregation of the column sums", e);
        return; // the run's state says what follows
      }
      PlanRefused.unless(floors.refusal(session));
      if (!session.sumsColumns()) {
        return; // summed: the round's session is for weights now
      }
      if (columnsRevealed || columnSessions.contains(session.session()) || !session.picked().contains(clientId)) {
        calls.idle(COLUMN_SUMS_WAIT); // the aggregator finishes the session without this client's further part
        return;
      }
      int[] input;
      try {
        input = ColumnSums.encode(data.columnSums(plan));
      } catch (DataException e) {
        throw new SatOut(e.getMessage());
      }
      columnSessions.add(session.session());
      try {
        SecureRandom random = new SecureRandom();
        Http channel = new Http(round, session.session(), () -> columnsRevealed = true);
        SecAggParticipant.Outcome outcome = SecAggParticipant.takePart(session, clientId, input, random, channel);
        log.info("column sums: secure aggregation session {} {}", session.session(),
            outcome == SecAggParticipant.Outcome.INCLUDED ? "has this client's masked sums" : "went on without them");
      } catch (AggregatorRejectedException e) {
        if (!e.is(ProblemTypes.SECAGG_START_AGAIN)) {
          calls.refused("take part in the secure aggregation of the column sums", e);
          return;
        }
        log.warn("column sums: secure aggregation session {} is over ({}); starting again with new keys",
            session.session(), e.detail());
      } catch (SecAggException e) {
        log.warn("column sums: secure aggregation session {} refused by this client: {}", session.session(),
            e.getMessage());
        return;
      }
    }
  }

  /** A refusal ends this client's part in the round: excluded from the secure aggregation, or refused otherwise. */
  private void refused(int round, AggregatorRejectedException e) {
    if (e.is(ProblemTypes.SECAGG_EXCLUDED)) {
      String line = "round " + round + ": the aggregator excluded this client from the round's secure aggregation ("
          + e.detail() + "); sitting the round out, following the next one";
      log.warn(line);
      tracker.error(line);
    } else {
      calls.refused("take part in round " + round + "'s secure aggregation", e);
    }
  }

  /** The HTTP transport of one session: each message a request, each answer a long poll, retried while unreachable. */
  private final class Http implements SecAggChannel {
    private final int round;
    private final String session;
    private final Runnable revealing;
    private int survivors;

    Http(int round, String session, Runnable revealing) {
      this.round = round;
      this.session = session;
      this.revealing = revealing;
    }

    @Override
    public void sendKeys(KeyAdvertisement keys) throws InterruptedException {
      calls.send("send the public keys of round " + round, () -> aggregator.secAggKeys(round, session, keys));
    }

    @Override
    public List<KeyAdvertisement> awaitKeys() throws InterruptedException {
      return calls.awaiting("the others' public keys", () -> aggregator.secAggKeysOf(round, session,
          pollWaitSeconds));
    }

    @Override
    public void sendShares(SecAggShares shares) throws InterruptedException {
      calls.send("send the encrypted shares of round " + round, () -> aggregator.secAggShares(round, session, shares));
    }

    @Override
    public List<EncryptedShare> awaitSharesForMe() throws InterruptedException {
      return calls.awaiting("the shares for this client", () -> aggregator.secAggSharesFor(round, session, clientId,
          pollWaitSeconds));
    }

    @Override
    public void sendMasked(MaskedUpdate masked) throws InterruptedException {
      calls.send("send the masked update of round " + round, () -> aggregator.secAggMasked(round, session, masked));
    }

    @Override
    public List<String> awaitSurvivors() throws InterruptedException {
      List<String> u3 = calls.awaiting("the survivors", () -> aggregator.secAggSurvivors(round, session,
          pollWaitSeconds));
      survivors = u3.size();
      return u3;
    }

    @Override
    public void sendUnmasking(UnmaskingShares shares) throws InterruptedException {
      revealing.run(); // from here on, even if the request fails, this update is never masked again
      calls.send("send the unmasking shares of round " + round, () -> aggregator.secAggUnmask(round, session, shares));
    }

    @Override
    public void complain(SecAggComplaint complaint) throws InterruptedException {
      log.warn("round {}: {}; reporting client {} to the aggregator", round, complaint.reason(), complaint.against());
      calls.send("report client " + complaint.against() + " in round " + round,
          () -> aggregator.secAggComplaint(round, session, complaint));
    }
  }
}
