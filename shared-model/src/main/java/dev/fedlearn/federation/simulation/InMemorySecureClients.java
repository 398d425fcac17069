package dev.fedlearn.federation.simulation;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.SecureRounds;
import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.SecAggChannel;
import dev.fedlearn.federation.secagg.SecAggParticipant;
import dev.fedlearn.federation.strategy.AggregationException;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggMessage;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.SecAggStep;
import dev.fedlearn.protocol.UnmaskingShares;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * The picked sites' secure aggregation in memory: each runs {@link SecAggParticipant#takePart} on a virtual thread of
 * its own against the coordinator's {@link SecureRounds}, exactly as the services' clients do over HTTP against the
 * aggregator's controller; here a message is a method call and an answer a wait on the step's close. The last
 * unmasking shares make the coordinator unmask the sum and close the round.
 */
final class InMemorySecureClients {
  /** How long one wait on a step lasts before it looks whether another site failed. */
  private static final Duration POLL = Duration.ofMillis(200);

  private InMemorySecureClients() {}

  /**
   * Sends {@code updates} (the picked sites', in site order) through round {@code round}'s secure aggregation
   * session; returns what it cost.
   *
   * @param global the global model the sites trained from (differential privacy clips their change of it)
   * @param noise differential privacy's noise of each round: the sites draw their shares of it from the round's one
   *     generator, in site order
   * @throws AggregationException when a site failed in the protocol
   */
  static Simulation.SecAggCost send(RunCoordinator coordinator, int round, List<ClientUpdate> updates, float[] global,
      IntFunction<RandomGenerator> noise) {
    long start = System.nanoTime();
    SecureRounds secure = coordinator.secure();
    SecAggPlan plan = secure.plan(round);
    RandomGenerator shares = plan.privacy() ? noise.apply(round) : null;
    List<int[]> inputs = new ArrayList<>();
    for (ClientUpdate u : updates) { // in order: each site's noise comes from the round's one generator
      inputs.add(SecAggParticipant.input(plan, u.weights(), u.numSamples(), global, shares));
    }
    return takePart(secure, plan, updates.stream().map(ClientUpdate::clientId).toList(), inputs, start);
  }

  /**
   * Sends the sites' column sums ({@code sums}, by site id) through the column-sum session that opens a secure table
   * run's round 1; returns what it cost.
   *
   * @throws AggregationException when a site failed in the protocol
   */
  static Simulation.SecAggCost sumColumns(RunCoordinator coordinator, java.util.Map<String,
      dev.fedlearn.engine.data.Standardization.Sums> sums) {
    long start = System.nanoTime();
    SecureRounds secure = coordinator.secure();
    SecAggPlan plan = secure.plan(1);
    List<String> ids = List.copyOf(sums.keySet());
    return takePart(secure, plan, ids, ids.stream().map(id -> ColumnSums.encode(sums.get(id))).toList(), start);
  }

  /** The sites {@code ids} take part in {@code plan}'s session with their {@code inputs}, each on a thread. */
  private static Simulation.SecAggCost takePart(SecureRounds secure, SecAggPlan plan, List<String> ids,
      List<int[]> inputs, long start) {
    int round = plan.round();
    SecureRandom random = new SecureRandom();
    AtomicLong up = new AtomicLong();
    AtomicLong down = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> sites = new ArrayList<>();
    for (int k = 0; k < ids.size(); k++) {
      String id = ids.get(k);
      int[] input = inputs.get(k);
      Channel channel = new Channel(secure, round, plan.session(), id, up, down, failure);
      sites.add(Thread.ofVirtual().name("secagg-" + id).start(() -> {
        try {
          SecAggParticipant.takePart(plan, id, input, random, channel);
        } catch (Throwable e) { // an Error too: the others stop waiting for this site
          failure.compareAndSet(null, new IllegalStateException("site " + id + ": " + e.getMessage(), e));
        }
      }));
    }
    try {
      for (Thread site : sites) {
        site.join();
      }
    } catch (InterruptedException e) {
      failure.compareAndSet(null, e); // the sites still waiting stop at their next poll
      Thread.currentThread().interrupt();
      throw new AggregationException("round " + round + ": interrupted during secure aggregation");
    }
    if (failure.get() != null) {
      throw new AggregationException("round " + round + ": secure aggregation in memory failed: "
          + failure.get().getMessage());
    }
    return new Simulation.SecAggCost(plan.picked().size(), plan.threshold(), up.get(), down.get(),
        (System.nanoTime() - start) / 1e9);
  }

  /** One site's transport: each message a call into the round's workflow, each answer a wait on its step. */
  private record Channel(SecureRounds secure, int round, String session, String clientId, AtomicLong up,
      AtomicLong down, AtomicReference<Throwable> failure) implements SecAggChannel {

    @Override
    public void sendKeys(KeyAdvertisement keys) {
      up.addAndGet(keys.cPublicKey().length + keys.sPublicKey().length);
      send(keys);
    }

    @Override
    public List<KeyAdvertisement> awaitKeys() throws InterruptedException {
      awaitStep(SecAggStep.KEYS);
      List<KeyAdvertisement> u1 = secure.keysOf(round, session);
      down.addAndGet(u1.stream().mapToLong(a -> a.cPublicKey().length + a.sPublicKey().length).sum());
      return u1;
    }

    @Override
    public void sendShares(SecAggShares shares) {
      up.addAndGet(shares.shares().stream().mapToLong(s -> s.ciphertext().length).sum());
      send(shares);
    }

    @Override
    public List<EncryptedShare> awaitSharesForMe() throws InterruptedException {
      awaitStep(SecAggStep.SHARES);
      List<EncryptedShare> mine = secure.sharesFor(round, session, clientId);
      down.addAndGet(mine.stream().mapToLong(e -> e.ciphertext().length).sum());
      return mine;
    }

    @Override
    public void sendMasked(MaskedUpdate masked) {
      up.addAndGet(masked.masked().length);
      send(masked);
    }

    @Override
    public List<String> awaitSurvivors() throws InterruptedException {
      awaitStep(SecAggStep.MASKED);
      return secure.survivors(round, session);
    }

    @Override
    public void sendUnmasking(UnmaskingShares shares) {
      up.addAndGet(shares.selfMaskShares().values().stream().mapToLong(b -> b.length).sum()
          + shares.secretKeyShares().values().stream().mapToLong(b -> b.length).sum());
      send(shares);
    }

    @Override
    public void complain(SecAggComplaint complaint) {
      send(complaint);
    }

    private void send(SecAggMessage message) {
      secure.receive(round, session, message);
    }

    /** Waits until {@code step} closed, giving up when another site failed (it would never close then). */
    private void awaitStep(SecAggStep step) throws InterruptedException {
      try {
        while (!secure.stepClosed(round, session, step, POLL).get()) {
          if (failure.get() != null) {
            throw new IllegalStateException("another site failed: " + failure.get().getMessage());
          }
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("waiting for step " + step + ": " + e.getCause(), e.getCause());
      }
    }
  }
}
