package dev.fedlearn.federation.secagg;

import dev.fedlearn.federation.privacy.DifferentialPrivacy;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggStep;
import dev.fedlearn.protocol.UnmaskingShares;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One session of secure aggregation for an open round (Bonawitz et al. 2017), the server's side: it collects each
 * step's messages from the clients expected in it, and closes the step when all of them sent theirs, or, once the
 * step's time is up, when at least the threshold did. Step 1 collects the public keys of the picked clients (its time
 * is the round's deadline, training included); step 2 the encrypted shares of U1 (forwarded to their recipients);
 * step 3 the masked updates of U2; step 4 the unmasking shares of U3 (the clients whose masked update arrived), from
 * which {@link SecAggServer} removes the masks: the result is the sample-weighted mean of U3's weights, and nothing
 * else. A client that misbehaves in a step (an invalid or repeated
 * key, malformed shares, a masked input of the wrong length, unmasking shares for the wrong clients) is dropped from
 * the session: its message is refused, its later ones too, and the steps no longer wait for it. A step that ends
 * below the threshold abandons the session: before any unmasking share was asked for, the coordinator starts a new
 * one; from step 4 on ({@link #revealed}), or when the masks cannot be removed, the round closes with no update, so a
 * session whose shares were revealed never restarts with the same inputs.
 *
 * <p>The same state machine serves the aggregator (its HTTP controller is the transport) and {@code fl simulate}
 * (calls in memory), both through the run's {@code SecureRounds}. Not thread-safe: its caller holds a lock around every call; the futures let waiting
 * clients wait outside it. Its refusals, and the clients it dropped, are kept by {@code SessionRefusals}; step 4's
 * unmasking is {@code SessionUnmasking}'s.
 */
public final class SecAggSession {
  /**
   * The unmasked result: the weighted mean, the total samples, and each included client's masked update's figures;
   * for a session that sums column sums ({@link SecAggPlan#sumsColumns}), the ring sum as it is ({@code ring}; no mean,
   * no samples).
   */
  public record Result(float[] mean, long samples, Map<String, MaskedUpdate> included, int[] ring) {
    public Result(float[] mean, long samples, Map<String, MaskedUpdate> included) {
      this(mean, samples, included, null);
    }
  }

  private final SecAggPlan plan;
  private final int length; // of every masked input, in ring elements
  private final Duration stepTimeout;
  private final SessionRefusals refusals;
  private SecAggStep step = SecAggStep.KEYS;
  private Instant stepStarted;
  private String abandoned; // why, once abandoned
  private final Map<String, KeyAdvertisement> keys = new TreeMap<>();
  private List<KeyAdvertisement> u1;
  private final Map<String, List<EncryptedShare>> shares = new TreeMap<>();
  private Set<String> u2;
  private final Map<String, MaskedUpdate> masked = new TreeMap<>();
  private Set<String> u3;
  private final Map<String, UnmaskingShares> unmasking = new TreeMap<>();
  /** Completed when step 1, 2, 3 closes, or all at once when the session is abandoned. */
  private final CompletableFuture<Void> keysClosed = new CompletableFuture<>();
  private final CompletableFuture<Void> sharesClosed = new CompletableFuture<>();
  private final CompletableFuture<Void> maskedClosed = new CompletableFuture<>();

  /**
   * A session among {@code picked}, who trained on {@code pickedSamples} samples in all; with {@code dp}, for shares
   * of DP-FedAvg (one unweighted input per client, {@code noise * clip / sqrt(picked)} of noise each).
   */
  public SecAggSession(int round, List<String> picked, long pickedSamples, float bound, DifferentialPrivacy.Settings dp,
      int parameters, Duration stepTimeout, Instant now) {
    this(new SecAggPlan(round, UUID.randomUUID().toString(), SecAggServer.defaultThreshold(picked.size()),
        FixedPoint.scale(bound, dp == null ? pickedSamples : picked.size()), bound, picked,
        dp == null ? null : dp.clip(), dp == null ? null : dp.clientNoiseStd(picked.size())), parameters + 1,
        stepTimeout, now);
  }

  /** A session of {@code plan} whose inputs are {@code length} ring elements ({@link ColumnSums#session}). */
  SecAggSession(SecAggPlan plan, int length, Duration stepTimeout, Instant now) {
    this.plan = plan;
    this.refusals = new SessionRefusals(plan);
    this.length = length;
    this.stepTimeout = stepTimeout;
    this.stepStarted = now;
  }

  /** Completed when {@code step} closes, or when the session is abandoned. */
  public CompletableFuture<Void> closed(SecAggStep step) {
    return switch (step) {
      case KEYS -> keysClosed;
      case SHARES -> sharesClosed;
      default -> maskedClosed;
    };
  }

  /** The session's plan, at its first step. */
  public SecAggPlan plan() {
    return plan;
  }

  public SecAggStep step() {
    return step;
  }

  public String abandonedBecause() {
    return abandoned;
  }

  public int threshold() {
    return plan.threshold();
  }

  /** Step 1: a picked client's public keys. Returns true when this closed the step. */
  public boolean keys(KeyAdvertisement ad, Instant now) {
    refusals.notDropped(ad.clientId());
    refusals.expect(step, abandoned, SecAggStep.KEYS, "its public keys");
    if (!plan.picked().contains(ad.clientId())) {
      throw Refusal.conflict("Not picked", "client " + ad.clientId() + " is not picked for round " + plan.round());
    }
    refusals.once(keys.containsKey(ad.clientId()), ad.clientId(), "public keys");
    String refusal = SecAggServer.refusal(ad, keys.values());
    if (refusal != null) {
      throw refusals.drop(ad.clientId(), refusal);
    }
    keys.put(ad.clientId(), ad);
    return closeIfComplete(now);
  }

  /** Step 2: a client's encrypted shares, one for every other client of U1. Returns true when this closed the step. */
  public boolean shares(String clientId, List<EncryptedShare> sent, Instant now) {
    refusals.notDropped(clientId);
    refusals.expect(step, abandoned, SecAggStep.SHARES, "its encrypted shares");
    refusals.member(u1ids(), clientId, "U1 (the clients whose keys were forwarded)");
    refusals.once(shares.containsKey(clientId), clientId, "encrypted shares");
    Set<String> to = new HashSet<>();
    for (EncryptedShare s : sent == null ? List.<EncryptedShare>of() : sent) {
      if (s == null || !clientId.equals(s.from()) || clientId.equals(s.to()) || !keys.containsKey(s.to())
          || s.ciphertext() == null || s.ciphertext().length > 1024 || !to.add(s.to())) {
        throw refusals.drop(clientId, "every share must be from " + clientId + " to another client of U1, one "
            + "each, at most 1024 bytes; got " + s);
      }
    }
    if (to.size() != u1.size() - 1) {
      throw refusals.drop(clientId, "client " + clientId + " must send one share to each of the other "
          + (u1.size() - 1) + " clients of U1, sent " + to.size());
    }
    shares.put(clientId, List.copyOf(sent));
    return closeIfComplete(now);
  }

  /** The encrypted shares addressed to {@code clientId}, from the clients of U2; once step 2 closed. */
  public List<EncryptedShare> sharesFor(String clientId) {
    refusals.member(u2, clientId, "U2 (the clients whose shares were forwarded)");
    List<EncryptedShare> mine = new ArrayList<>();
    for (String from : u2) {
      for (EncryptedShare s : shares.get(from)) {
        if (s.to().equals(clientId)) {
          mine.add(s);
        }
      }
    }
    return mine;
  }

  /** Step 3: a client's masked update. Returns true when this closed the step. */
  public boolean masked(MaskedUpdate update, Instant now) {
    refusals.notDropped(update.clientId());
    refusals.expect(step, abandoned, SecAggStep.MASKED, "its masked update");
    refusals.member(u2, update.clientId(), "U2 (the clients whose shares were forwarded)");
    refusals.once(masked.containsKey(update.clientId()), update.clientId(), "masked update");
    if (update.masked() == null || update.masked().length != 4L * length) {
      throw refusals.drop(update.clientId(), "masked must hold " + length + " 4-byte integers (" + (plan.sumsColumns()
          ? "the column sums of " + plan.columns() + " columns" : "the model's parameters and the sample count")
          + "), got " + (update.masked() == null ? "none" : update.masked().length + " bytes"));
    }
    masked.put(update.clientId(), update);
    return closeIfComplete(now);
  }

  /** U3: the clients whose masked update arrived; once step 3 closed. */
  public List<String> survivors() {
    return List.copyOf(u3);
  }

  /**
   * Step 4: a survivor's unmasking shares. Returns the result when this was the last one expected, else null; a
   * result that cannot be computed abandons the session.
   */
  public Result unmasking(UnmaskingShares answer, long samplesBound) {
    refusals.notDropped(answer.from());
    refusals.expect(step, abandoned, SecAggStep.UNMASK, "its unmasking shares");
    refusals.member(u3, answer.from(), "U3 (the clients whose masked update arrived)");
    refusals.once(unmasking.containsKey(answer.from()), answer.from(), "unmasking shares");
    Set<String> lost = new TreeSet<>(u2);
    lost.removeAll(u3);
    if (answer.selfMaskShares() == null || answer.secretKeyShares() == null
        || !answer.selfMaskShares().keySet().equals(u3) || !answer.secretKeyShares().keySet().equals(lost)) {
      throw refusals.drop(answer.from(), "the unmasking shares must give a self-mask share for each survivor " + u3
          + " and a secret-key share for each client that dropped after sharing " + lost);
    }
    unmasking.put(answer.from(), answer);
    return complete() ? finish(samplesBound) : null;
  }

  /**
   * Whether the clients still expected in the open step, those dropped left out, are fewer than the threshold: the
   * session can then never finish.
   */
  public boolean hopeless() {
    Collection<String> expected = expectedIds();
    return expected != null && expected.size() - refusals.droppedOf(expected) < threshold();
  }

  /**
   * Closes the open step when every client it still expects (those dropped left out) has sent its message, as after a
   * drop; returns the result when that closed step 4.
   */
  public Result closeIfComplete(Instant now, long samplesBound) {
    return !hopeless() && complete() ? closeStep(now, samplesBound) : null;
  }

  /** Steps 1 to 3: closes the open step when it is complete; whether it did. */
  private boolean closeIfComplete(Instant now) {
    if (!complete()) {
      return false;
    }
    closeStep(now, 0);
    return true;
  }

  /** Whether the open step has a message from every client it still expects (those dropped left out). */
  private boolean complete() {
    Collection<String> expected = expectedIds();
    return expected != null && receivedIds().size() == expected.size() - refusals.droppedOf(expected);
  }

  /** Closes the open step with the messages it has; returns the result when it is step 4. */
  private Result closeStep(Instant now, long samplesBound) {
    switch (step) {
      case KEYS -> closeKeys(now);
      case SHARES -> closeShares(now);
      case MASKED -> closeMasked(now);
      case UNMASK -> {
        return finish(samplesBound);
      }
      default -> { }
    }
    return null;
  }

  /** The clients whose message the open step has received (none once the session is over). */
  private Set<String> receivedIds() {
    return switch (step) {
      case KEYS -> keys.keySet();
      case SHARES -> shares.keySet();
      case MASKED -> masked.keySet();
      case UNMASK -> unmasking.keySet();
      default -> Set.of();
    };
  }

  /** The clients the open step expects a message from, or null once the session is over. */
  private Collection<String> expectedIds() {
    return switch (step) {
      case KEYS -> plan.picked();
      case SHARES -> u1ids();
      case MASKED -> u2;
      case UNMASK -> u3;
      default -> null;
    };
  }

  /**
   * Whether the session asked for unmasking shares (step 4 or later): from then on it must never be started again
   * with the same inputs, so a failure closes the round instead.
   */
  public boolean revealed() {
    return u3 != null;
  }

  /** The clients dropped from the session, with the reason. */
  public Map<String, String> dropped() {
    return refusals.dropped();
  }

  /**
   * Closes a step whose time is up with what it has, when that reaches the threshold; abandons the session when it
   * does not (steps 2 to 4; step 1 waits: its clients may still be training). Returns the result when step 4 closed.
   */
  public Result tick(Instant now, boolean roundPastDeadline, long samplesBound) {
    boolean timeUp = step == SecAggStep.KEYS ? roundPastDeadline
        : Duration.between(stepStarted, now).compareTo(stepTimeout) >= 0;
    if (!timeUp) {
      return null;
    }
    if (expectedIds() == null) {
      return null;
    }
    int have = receivedIds().size();
    if (have >= threshold()) {
      return closeStep(now, samplesBound);
    } else if (step != SecAggStep.KEYS) {
      abandon("step " + step.name().toLowerCase(java.util.Locale.ROOT) + " ended with " + have + " of the "
          + threshold() + " clients it needs");
    }
    return null;
  }

  /** How many clients the open step expects messages from. */
  public int expected() {
    Collection<String> expected = expectedIds();
    return expected == null ? 0 : expected.size();
  }

  /** Who the open step still waits for. */
  public List<String> waitingFor() {
    Collection<String> expected = expectedIds();
    Set<String> waiting = expected == null ? new TreeSet<>() : new TreeSet<>(expected);
    waiting.removeAll(receivedIds());
    return List.copyOf(waiting);
  }

  /** The advertisements of U1; once step 1 closed. */
  public List<KeyAdvertisement> u1() {
    return u1;
  }

  public void abandon(String why) {
    if (step == SecAggStep.DONE || step == SecAggStep.ABANDONED) {
      return;
    }
    step = SecAggStep.ABANDONED;
    abandoned = why;
    keysClosed.complete(null);
    sharesClosed.complete(null);
    maskedClosed.complete(null);
  }

  /** Step 4's result, the session done; or null, the session abandoned, when the masks cannot be removed. */
  private Result finish(long samplesBound) {
    try {
      Result result = SessionUnmasking.result(plan, u1, u2, u3, masked, unmasking.values(), samplesBound);
      step = SecAggStep.DONE;
      return result;
    } catch (SecAggException e) {
      abandon("the masks could not be removed: " + e.getMessage());
      return null;
    }
  }

  private void closeKeys(Instant now) {
    u1 = List.copyOf(keys.values());
    step = SecAggStep.SHARES;
    stepStarted = now;
    keysClosed.complete(null);
  }

  private void closeShares(Instant now) {
    u2 = new TreeSet<>(shares.keySet());
    step = SecAggStep.MASKED;
    stepStarted = now;
    sharesClosed.complete(null);
  }

  private void closeMasked(Instant now) {
    u3 = new TreeSet<>(masked.keySet());
    step = SecAggStep.UNMASK;
    stepStarted = now;
    maskedClosed.complete(null);
  }

  /**
   * Checks a complaint of {@code from} against {@code against}: taken while step 3 waits for masked updates, from a
   * client of U2 that has not sent its masked update, against another client of U2.
   */
  public void complaint(String from, String against) {
    refusals.notDropped(from);
    refusals.expect(step, abandoned, SecAggStep.MASKED, "a complaint");
    refusals.member(u2, from, "U2 (the clients whose shares were forwarded)");
    if (from.equals(against) || !u2.contains(against)) {
      throw Refusal.invalid("a complaint names another client of U2 " + u2 + ", got " + against);
    }
    if (masked.containsKey(from)) {
      throw Refusal.conflict("Too late", "client " + from + " already sent its masked update in session "
          + plan.session() + ", so it used every share it received");
    }
  }

  private List<String> u1ids() {
    return u1.stream().map(KeyAdvertisement::clientId).toList();
  }
}
