package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.UnmaskingShares;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server's side of secure aggregation: removes the masks from the sum of the masked inputs, from the shares the
 * survivors reveal in round 3. A pure function; the server's other work (forwarding messages, tracking who sent
 * what) is the caller's, as {@link SecAggSession} does.
 */
public final class SecAggServer {
  private SecAggServer() {}

  /**
   * The sum over U3 of the clients' encoded inputs, mod {@code 2^32}, from their masked inputs.
   *
   * <p>Reconstructs {@code b_v} for each survivor {@code v} in U3 and {@code s_SK_u} for each client {@code u} of U2
   * that did not survive, each from the first {@code t} responses by client id (Lagrange interpolation at 0; the
   * shares of any further responses must lie on the same polynomial), checks every {@code s_SK_u} against the
   * advertised {@code s_PK_u}, and subtracts {@code PRG(b_v)} and the pairwise masks between each such {@code u} and
   * each survivor ({@code s_uv} from {@code X25519(s_SK_u, s_PK_v)}); the survivors' masks between each other cancel
   * in the sum.
   *
   * @param round the run's round, as the clients used it (another round gives a wrong sum: nothing here can tell)
   * @param threshold {@code t}
   * @param u1 the advertisements forwarded in round 1 (everybody's {@code s_PK} and, by id order, share indices)
   * @param u2 the ids of the clients whose encrypted shares were forwarded in round 2, the clients each survivor
   *     masked against
   * @param masked U3: client id to the masked input received from it in round 2
   * @param responses round-3 responses from at least {@code t} members of U3
   * @throws SecAggException if fewer than {@code t} clients are in U2, U3 or the responses, the sets do not nest, a
   *     response does not give exactly the shares U3 calls for, a share is malformed, has another index than its
   *     sender's, or disagrees with the others, a reconstructed {@code s_SK} does not match its {@code s_PK}, or the
   *     masked inputs differ in length
   */
  public static int[] unmask(int round, int threshold, List<KeyAdvertisement> u1, Set<String> u2,
      Map<String, int[]> masked, List<UnmaskingShares> responses) {
    if (threshold < 1) {
      throw new IllegalArgumentException("the threshold must be 1 or more, got " + threshold);
    }
    SortedMap<String, KeyAdvertisement> ads = checkAdvertisements(u1, threshold);
    Map<String, Integer> index = new HashMap<>();
    for (String id : ads.keySet()) {
      index.put(id, index.size() + 1);
    }
    for (String id : u2) {
      if (!ads.containsKey(id)) {
        throw new SecAggException("client " + id + " is in U2 but did not advertise keys in round 0");
      }
    }
    if (u2.size() < threshold) {
      throw new SecAggException("only " + u2.size() + " clients shared their keys in round 1, below the threshold of "
          + threshold);
    }
    SortedSet<String> u3 = new TreeSet<>(masked.keySet());
    int length = -1;
    String first = null;
    for (String v : u3) {
      if (!u2.contains(v)) {
        throw new SecAggException("client " + v + " sent a masked input but is not in U2");
      }
      int[] y = masked.get(v);
      if (length < 0) {
        length = y.length;
        first = v;
      } else if (y.length != length) {
        throw new SecAggException("client " + v + "'s masked input has " + y.length + " ints, client " + first
            + "'s has " + length);
      }
    }
    if (u3.size() < threshold) {
      throw new SecAggException("only " + u3.size() + " masked inputs arrived, below the threshold of " + threshold
          + "; the sum cannot be unmasked");
    }
    SortedSet<String> dropped = new TreeSet<>(u2);
    dropped.removeAll(u3);

    List<UnmaskingShares> answers = new ArrayList<>(responses);
    answers.sort(Comparator.comparing(UnmaskingShares::from));
    for (int k = 0; k < answers.size(); k++) {
      UnmaskingShares r = answers.get(k);
      if (!u3.contains(r.from())) {
        throw new SecAggException("a round-3 response came from client " + r.from() + ", which is not a survivor");
      }
      if (k > 0 && answers.get(k - 1).from().equals(r.from())) {
        throw new SecAggException("client " + r.from() + " answered round 3 twice");
      }
      if (!r.selfMaskShares().keySet().equals(u3)) {
        throw new SecAggException("client " + r.from() + "'s round-3 response gives self-mask shares for "
            + new TreeSet<>(r.selfMaskShares().keySet()) + ", the survivors are " + u3);
      }
      if (!r.secretKeyShares().keySet().equals(dropped)) {
        throw new SecAggException("client " + r.from() + "'s round-3 response gives secret-key shares for "
            + new TreeSet<>(r.secretKeyShares().keySet()) + ", the clients that dropped after round 1 are " + dropped);
      }
    }
    if (answers.size() < threshold) {
      throw new SecAggException("only " + answers.size() + " survivors answered round 3, below the threshold of "
          + threshold + "; the masks cannot be removed");
    }
    Reconstruction rec = new Reconstruction(answers, index, threshold);

    int[] sum = new int[length];
    for (String v : u3) {
      int[] y = masked.get(v);
      for (int j = 0; j < length; j++) {
        sum[j] += y[j];
      }
    }
    for (String v : u3) {
      byte[] b = rec.secret(v, true);
      MaskPrg.apply(Crypto.derive(b, Crypto.SELF_LABEL, round, v), -1, sum);
    }
    for (String u : dropped) {
      byte[] secretKey = rec.secret(u, false);
      if (!MessageDigest.isEqual(Crypto.publicKey(secretKey), ads.get(u).sPublicKey())) {
        throw new SecAggException("the mask secret key reconstructed for client " + u + " does not match its "
            + "advertised public key (a round-3 share is wrong)");
      }
      for (String v : u3) {
        byte[] s = Crypto.agree(secretKey, ads.get(v).sPublicKey(), "client " + v + "'s mask public key");
        MaskPrg.apply(Crypto.derive(s, Crypto.MASK_LABEL, round, Crypto.sorted(u, v)), v.compareTo(u) < 0 ? -1 : 1,
            sum);
      }
    }
    return sum;
  }

  /**
   * The threshold for {@code n} parties by default: {@code floor(2n/3) + 1}, as {@link SecAggPlan#defaultThreshold}.
   *
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public static int defaultThreshold(int n) {
    return SecAggPlan.defaultThreshold(n);
  }

  /**
   * Why a client's advertisement cannot be taken next to those already taken ({@code taken}), or null when it can:
   * each of its two keys must be a valid X25519 public key (32 bytes, canonical, not of small order), the two must
   * differ, and neither may be a key another client (or this one) advertised.
   */
  public static String refusal(KeyAdvertisement ad, java.util.Collection<KeyAdvertisement> taken) {
    Set<ByteBuffer> seen = new java.util.HashSet<>();
    for (KeyAdvertisement t : taken) {
      seen.add(ByteBuffer.wrap(t.cPublicKey()));
      seen.add(ByteBuffer.wrap(t.sPublicKey()));
    }
    for (int i = 0; i < 2; i++) {
      byte[] key = i == 0 ? ad.cPublicKey() : ad.sPublicKey();
      String name = i == 0 ? "share public key (cPublicKey)" : "mask public key (sPublicKey)";
      String invalid = key == null ? "is missing" : Crypto.invalidPublicKey(key);
      if (invalid != null) {
        return "the " + name + " " + invalid;
      }
      if (!seen.add(ByteBuffer.wrap(key))) {
        return "the " + name + " was advertised already, by this or another client";
      }
    }
    return null;
  }

  /**
   * The advertisements by client id, after checking them: distinct ids, canonical 32-byte keys, no key advertised
   * twice (by one client or two), at least {@code threshold} of them.
   */
  static SortedMap<String, KeyAdvertisement> checkAdvertisements(List<KeyAdvertisement> u1, int threshold) {
    SortedMap<String, KeyAdvertisement> ads = new TreeMap<>();
    Map<ByteBuffer, String> keys = new HashMap<>();
    for (KeyAdvertisement a : u1) {
      if (ads.put(a.clientId(), a) != null) {
        throw new SecAggException("client " + a.clientId() + " advertised keys twice");
      }
      for (int i = 0; i < 2; i++) {
        byte[] key = i == 0 ? a.cPublicKey() : a.sPublicKey();
        String invalid = Crypto.invalidPublicKey(key);
        if (invalid != null) {
          throw new SecAggException("client " + a.clientId() + "'s " + (i == 0 ? "share" : "mask") + " public key "
              + invalid);
        }
        String other = keys.put(ByteBuffer.wrap(key), a.clientId());
        if (other != null) {
          throw new SecAggException(other.equals(a.clientId()) ? "client " + other + " advertised the same public key "
              + "twice" : "clients " + other + " and " + a.clientId() + " advertised the same public key");
        }
      }
    }
    if (ads.size() < threshold) {
      throw new SecAggException("only " + ads.size() + " clients advertised keys, below the threshold of " + threshold);
    }
    return ads;
  }

  /**
   * Interpolates the secrets from the responses' shares: the first {@code t} senders' indices fix the Lagrange
   * coefficients at 0, and at each further sender's index (to check its share), once for all the secrets.
   */
  private static final class Reconstruction {
    private final List<UnmaskingShares> answers;
    private final int[] xs;
    private final int threshold;
    private final BigInteger[] atZero;
    private final BigInteger[][] atExtra;

    Reconstruction(List<UnmaskingShares> answers, Map<String, Integer> index, int threshold) {
      this.answers = answers;
      this.threshold = threshold;
      xs = new int[answers.size()];
      for (int k = 0; k < xs.length; k++) {
        xs[k] = index.get(answers.get(k).from());
      }
      int[] basis = Arrays.copyOf(xs, threshold);
      atZero = Shamir.lagrange(basis, 0);
      atExtra = new BigInteger[xs.length - threshold][];
      for (int k = threshold; k < xs.length; k++) {
        atExtra[k - threshold] = Shamir.lagrange(basis, xs[k]);
      }
    }

    /** Client {@code owner}'s self-mask seed ({@code selfMask}) or mask secret key. */
    byte[] secret(String owner, boolean selfMask) {
      String what = "client " + owner + "'s " + (selfMask ? "self-mask seed" : "mask secret key");
      BigInteger[] ys = new BigInteger[xs.length];
      for (int k = 0; k < xs.length; k++) {
        UnmaskingShares r = answers.get(k);
        Shamir.Share share;
        try {
          share = Shamir.Share.fromBytes((selfMask ? r.selfMaskShares() : r.secretKeyShares()).get(owner));
        } catch (SecAggException e) {
          throw new SecAggException("client " + r.from() + "'s share of " + what + " is malformed: " + e.getMessage());
        }
        if (share.x() != xs[k]) {
          throw new SecAggException("client " + r.from() + "'s share of " + what + " has index " + share.x() + ", "
              + "its own index is " + xs[k]);
        }
        ys[k] = share.y();
      }
      for (int k = threshold; k < xs.length; k++) {
        if (!Shamir.interpolate(atExtra[k - threshold], ys).equals(ys[k])) {
          throw new SecAggException("the round-3 shares of " + what + " disagree (client " + answers.get(k).from()
              + "'s is not on the polynomial of the first " + threshold + "), so one of them is wrong");
        }
      }
      try {
        return Shamir.toSecret(Shamir.interpolate(atZero, ys), Crypto.KEY_BYTES);
      } catch (SecAggException e) {
        throw new SecAggException("the round-3 shares of " + what + " do not give a " + Crypto.KEY_BYTES + "-byte "
            + "value, so one of them is wrong");
      }
    }
  }
}
