package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The protocol's cryptography among parties in one process, for its tests, with dropouts ({@link SecAggClient} and
 * {@link SecAggServer} without the session, which the run's {@code SecureRounds} drives). Clients in
 * {@code dropBeforeMasking} advertise their keys and share them, then leave without sending a masked input (nor
 * receiving anything more): the survivors' masks against them are removed with their reconstructed secret keys.
 * Clients in {@code dropAfterMasking} send their masked input, then never answer round 3: their input is in the sum,
 * and their self mask is removed with the other survivors' shares.
 */
public final class InProcessSecAgg {
  private InProcessSecAgg() {}

  /**
   * A run's outcome: the unmasked ring sum over the clients whose masked input arrived, those clients, and the
   * protocol bytes all the clients sent and received: 32 per public key, each ciphertext's length, 4 per masked int,
   * each revealed share's serialised length (ids and framing not counted). Equal when every component is, the sum
   * element by element; {@link #toString} gives the sum's length.
   */
  public record Result(int[] sum, Set<String> included, long bytesUp, long bytesDown) {
    public Result {
      Objects.requireNonNull(sum, "sum");
      included = Collections.unmodifiableSortedSet(new TreeSet<>(included));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && Arrays.equals(sum, r.sum) && included.equals(r.included)
          && bytesUp == r.bytesUp && bytesDown == r.bytesDown;
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(sum), included, bytesUp, bytesDown);
    }

    @Override
    public String toString() {
      return "Result[sum=int[" + sum.length + "], included=" + included + ", bytesUp=" + bytesUp + ", bytesDown="
          + bytesDown + "]";
    }
  }

  /**
   * Runs one aggregation among the clients of {@code encodedInputs}, every one of which advertises and shares its
   * keys.
   *
   * @param round the run's round, mixed into every key
   * @param threshold {@code t}
   * @param encodedInputs client id to its input in the ring (all of one length)
   * @param dropBeforeMasking clients that leave after sharing their keys
   * @param dropAfterMasking clients that leave after sending their masked input
   * @param random the source of all the clients' randomness
   * @throws SecAggException if too many clients drop: fewer than {@code t} masked inputs or round-3 answers
   * @throws IllegalArgumentException if a dropping client has no input, is in both sets, or the inputs differ in
   *     length
   */
  public static Result run(int round, int threshold, Map<String, int[]> encodedInputs, Set<String> dropBeforeMasking,
      Set<String> dropAfterMasking, SecureRandom random) {
    SortedMap<String, int[]> inputs = new TreeMap<>(encodedInputs);
    checkInputs(inputs, dropBeforeMasking, dropAfterMasking);

    SortedMap<String, SecAggClient> clients = new TreeMap<>();
    for (String id : inputs.keySet()) {
      clients.put(id, new SecAggClient(id, round, threshold, random));
    }
    long up = 0;
    long down = 0;

    List<KeyAdvertisement> u1 = new ArrayList<>();
    for (SecAggClient c : clients.values()) {
      KeyAdvertisement a = c.advertise();
      up += a.cPublicKey().length + a.sPublicKey().length;
      u1.add(a);
    }
    long advertisedBytes = u1.stream().mapToLong(a -> a.cPublicKey().length + a.sPublicKey().length).sum();
    down += advertisedBytes * clients.size();

    SortedMap<String, List<EncryptedShare>> inbox = new TreeMap<>();
    for (SecAggClient c : clients.values()) {
      for (EncryptedShare e : c.shareKeys(u1)) {
        up += e.ciphertext().length;
        inbox.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e);
      }
    }
    Set<String> u2 = clients.keySet();

    SortedMap<String, int[]> masked = new TreeMap<>();
    for (SecAggClient c : clients.values()) {
      if (dropBeforeMasking.contains(c.clientId())) {
        continue;
      }
      List<EncryptedShare> toMe = inbox.getOrDefault(c.clientId(), List.of());
      for (EncryptedShare e : toMe) {
        down += e.ciphertext().length;
      }
      int[] y = c.mask(inputs.get(c.clientId()), toMe);
      up += (long) Integer.BYTES * y.length;
      masked.put(c.clientId(), y);
    }

    SortedSet<String> u3 = Collections.unmodifiableSortedSet(new TreeSet<>(masked.keySet()));
    List<UnmaskingShares> responses = new ArrayList<>();
    for (String id : u3) {
      if (dropAfterMasking.contains(id)) {
        continue;
      }
      UnmaskingShares r = clients.get(id).unmask(u3);
      for (byte[] share : r.selfMaskShares().values()) {
        up += share.length;
      }
      for (byte[] share : r.secretKeyShares().values()) {
        up += share.length;
      }
      responses.add(r);
    }
    int[] sum = SecAggServer.unmask(round, threshold, u1, u2, masked, responses);
    return new Result(sum, u3, up, down);
  }

  private static void checkInputs(SortedMap<String, int[]> inputs, Set<String> dropBeforeMasking,
      Set<String> dropAfterMasking) {
    for (String id : dropBeforeMasking) {
      if (!inputs.containsKey(id)) {
        throw new IllegalArgumentException("client " + id + " is to drop before masking but has no input");
      }
      if (dropAfterMasking.contains(id)) {
        throw new IllegalArgumentException("client " + id + " cannot drop both before and after masking");
      }
    }
    for (String id : dropAfterMasking) {
      if (!inputs.containsKey(id)) {
        throw new IllegalArgumentException("client " + id + " is to drop after masking but has no input");
      }
    }
    String first = null;
    for (Map.Entry<String, int[]> e : inputs.entrySet()) {
      if (first == null) {
        first = e.getKey();
      } else if (e.getValue().length != inputs.get(first).length) {
        throw new IllegalArgumentException("client " + e.getKey() + "'s input has " + e.getValue().length
            + " ints, client " + first + "'s has " + inputs.get(first).length);
      }
    }
  }
}
