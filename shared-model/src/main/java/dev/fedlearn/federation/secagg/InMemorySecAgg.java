package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggComplaint;
import dev.fedlearn.protocol.SecAggShares;
import dev.fedlearn.protocol.SecAggStep;
import dev.fedlearn.protocol.UnmaskingShares;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory transport of secure aggregation, for {@code fl simulate}: every client runs
 * {@link SecAggParticipant#takePart} on a thread of its own against one {@link SecAggSession}, exactly as the services'
 * clients do over HTTP against the aggregator's session; here the channel calls the session directly, under its lock.
 * The masks cancel exactly in the ring, so the result does not depend on the order the threads run in.
 */
public final class InMemorySecAgg {
  private InMemorySecAgg() {}

  /**
   * A session's result, and the protocol bytes all the clients sent and received: 32 per public key, each
   * ciphertext's length, 4 per masked int, each revealed share's serialised length (ids and framing not counted).
   */
  public record Outcome(SecAggSession.Result result, long bytesUp, long bytesDown) {}

  /**
   * Runs {@code session} among its picked clients, each with its input from {@code inputs}
   * ({@link SecAggParticipant#input}).
   *
   * @param samplesBound the most samples the unmasked sum may count
   * @throws SecAggException when a client fails or the session ends without a result
   */
  public static Outcome run(SecAggSession session, Map<String, int[]> inputs, long samplesBound, SecureRandom random)
      throws InterruptedException {
    CompletableFuture<SecAggSession.Result> done = new CompletableFuture<>();
    AtomicLong up = new AtomicLong();
    AtomicLong down = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (String id : session.plan().picked()) {
      Channel channel = new Channel(session, id, samplesBound, done, up, down);
      clients.add(Thread.ofVirtual().name("secagg-" + id).start(() -> {
        try {
          SecAggParticipant.takePart(session.plan(), id, inputs.get(id), random, channel);
        } catch (Throwable e) { // an Error too: the others would otherwise wait for this client forever
          synchronized (session) {
            failures.add(e);
            session.abandon("client " + id + " failed: " + e.getMessage());
          }
        }
      }));
    }
    for (Thread client : clients) {
      client.join();
    }
    synchronized (session) {
      if (!failures.isEmpty()) {
        throw new SecAggException("secure aggregation in memory failed: " + failures.get(0).getMessage());
      }
    }
    if (!done.isDone()) {
      throw new SecAggException("secure aggregation session " + session.plan().session() + " ended without a "
          + "result: " + session.abandonedBecause());
    }
    return new Outcome(done.join(), up.get(), down.get());
  }

  /** One client's channel: calls the session under its lock, waits for a step outside it. */
  private record Channel(SecAggSession session, String clientId, long samplesBound,
      CompletableFuture<SecAggSession.Result> done, AtomicLong up, AtomicLong down) implements SecAggChannel {
    private static final Instant NOW = Instant.EPOCH; // no step times out in memory: every client answers

    @Override
    public void sendKeys(KeyAdvertisement keys) {
      up.addAndGet(keys.cPublicKey().length + keys.sPublicKey().length);
      synchronized (session) {
        session.keys(keys, NOW);
      }
    }

    @Override
    public List<KeyAdvertisement> awaitKeys() throws InterruptedException {
      List<KeyAdvertisement> u1 = afterStep(SecAggStep.KEYS).u1();
      down.addAndGet(u1.stream().mapToLong(a -> a.cPublicKey().length + a.sPublicKey().length).sum());
      return u1;
    }

    @Override
    public void sendShares(SecAggShares shares) {
      up.addAndGet(shares.shares().stream().mapToLong(s -> s.ciphertext().length).sum());
      synchronized (session) {
        session.shares(clientId, shares.shares(), NOW);
      }
    }

    @Override
    public List<EncryptedShare> awaitSharesForMe() throws InterruptedException {
      SecAggSession s = afterStep(SecAggStep.SHARES);
      List<EncryptedShare> mine;
      synchronized (session) {
        mine = s.sharesFor(clientId);
      }
      down.addAndGet(mine.stream().mapToLong(e -> e.ciphertext().length).sum());
      return mine;
    }

    @Override
    public void sendMasked(MaskedUpdate masked) {
      up.addAndGet(masked.masked().length);
      synchronized (session) {
        session.masked(masked, NOW);
      }
    }

    @Override
    public List<String> awaitSurvivors() throws InterruptedException {
      SecAggSession s = afterStep(SecAggStep.MASKED);
      synchronized (session) {
        return s.survivors();
      }
    }

    @Override
    public void sendUnmasking(UnmaskingShares shares) {
      up.addAndGet(shares.selfMaskShares().values().stream().mapToLong(b -> b.length).sum()
          + shares.secretKeyShares().values().stream().mapToLong(b -> b.length).sum());
      SecAggSession.Result result;
      synchronized (session) {
        result = session.unmasking(shares, samplesBound);
      }
      if (result != null) {
        done.complete(result);
      }
    }

    @Override
    public void complain(SecAggComplaint complaint) {
      throw new SecAggException("client " + clientId + " could not use a share from client " + complaint.against()
          + ": " + complaint.reason());
    }

    /** Waits until {@code step} closed; the session, refusing one that was abandoned instead. */
    private SecAggSession afterStep(SecAggStep step) throws InterruptedException {
      CompletableFuture<Void> closed;
      synchronized (session) {
        closed = session.closed(step);
      }
      try {
        closed.get();
      } catch (ExecutionException e) {
        throw new SecAggException("waiting for step " + step + ": " + e.getCause());
      }
      synchronized (session) {
        if (session.step() == SecAggStep.ABANDONED) {
          throw new SecAggException("the session was abandoned: " + session.abandonedBecause());
        }
      }
      return session;
    }
  }
}
