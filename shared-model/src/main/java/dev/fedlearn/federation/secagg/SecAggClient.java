package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One client's side of secure aggregation for one aggregation: round {@code round} of the federated run, which is
 * mixed into every key the client derives, so that a message from another round never decrypts or cancels. The
 * client keeps its state between the four calls, which must come in order: {@link #advertise}, {@link #shareKeys},
 * {@link #mask}, {@link #unmask} (the last may be repeated with the same survivors). A call out of order throws
 * {@link IllegalStateException}; a wrong message throws {@link SecAggException} and leaves the state as it was. Not
 * thread-safe.
 *
 * <p>Clients are ordered by {@link String#compareTo} of their ids: share indices are 1-based positions in that order,
 * and of two clients the one that sorts first adds their pairwise mask, the other subtracts it.
 */
public final class SecAggClient {
  private enum Stage { NEW, ADVERTISED, SHARED, MASKED }

  /** Plaintext of an encrypted share: round, two ids with their lengths, two serialised shares. */
  private static final int FIXED_PLAINTEXT_BYTES = 3 * Integer.BYTES + 2 * Shamir.SHARE_BYTES;

  private final String clientId;
  private final int round;
  private final int threshold;
  private final SecureRandom random;

  private Stage stage = Stage.NEW;
  private byte[] cSecret;
  private byte[] sSecret;
  private KeyAdvertisement own;
  private SortedMap<String, KeyAdvertisement> u1;
  private int myIndex;
  private byte[] selfSeed;
  /** The shares of U2's secrets this client holds, by owner: {serialised share of s_SK, of b}. */
  private final Map<String, byte[][]> held = new HashMap<>();
  /** The share-encryption key with each other client of U1, agreed in round 1 and used again in round 2. */
  private final Map<String, byte[]> shareKeys = new HashMap<>();
  private Set<String> u2;
  private Set<String> answeredSurvivors;
  private UnmaskingShares answer;

  /**
   * A client that has not advertised its keys yet.
   *
   * @param clientId this client's id, as the others and the server know it
   * @param round the federated run's round this aggregation belongs to
   * @param threshold {@code t}: any {@code t} clients' shares reconstruct a secret, fewer say nothing about it
   * @param random the source of every key, seed, share and nonce the client draws
   */
  public SecAggClient(String clientId, int round, int threshold, SecureRandom random) {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(random, "random");
    if (clientId.isEmpty()) {
      throw new IllegalArgumentException("a client id must not be empty");
    }
    if (threshold < 1) {
      throw new IllegalArgumentException("the threshold must be 1 or more, got " + threshold);
    }
    this.clientId = clientId;
    this.round = round;
    this.threshold = threshold;
    this.random = random;
  }

  public String clientId() {
    return clientId;
  }

  public int round() {
    return round;
  }

  public int threshold() {
    return threshold;
  }

  /** Round 0: draws the share-encryption key pair {@code (c_SK, c_PK)} and the mask key pair {@code (s_SK, s_PK)}. */
  public KeyAdvertisement advertise() {
    requireStage(Stage.NEW, "advertise");
    byte[][] c = Crypto.generate(random);
    byte[][] s = Crypto.generate(random);
    cSecret = c[0];
    sSecret = s[0];
    own = new KeyAdvertisement(clientId, c[1], s[1]);
    stage = Stage.ADVERTISED;
    return new KeyAdvertisement(clientId, c[1].clone(), s[1].clone());
  }

  /**
   * Round 1: draws the self-mask seed {@code b} (32 bytes), splits {@code s_SK} (the raw X25519 scalar) and {@code b}
   * into {@code |u1|} Shamir shares with threshold {@code t}, share {@code i} going to the {@code i}-th client of
   * {@code u1} by id, and returns one {@link EncryptedShare} for every other client of {@code u1}, sorted by
   * recipient. Each is encrypted under a key derived from {@code X25519(c_SK_u, c_PK_v)}, the round and both ids, and
   * names the round, sender and recipient inside. The client keeps its own shares.
   *
   * @param u1 every advertisement the server forwards: this client's own among them unchanged, distinct ids, no
   *     public key advertised twice, at least {@code t} of them
   * @throws SecAggException if {@code u1} is not so
   */
  public List<EncryptedShare> shareKeys(List<KeyAdvertisement> u1) {
    requireStage(Stage.ADVERTISED, "shareKeys");
    SortedMap<String, KeyAdvertisement> ads = SecAggServer.checkAdvertisements(u1, threshold);
    if (!own.equals(ads.get(clientId))) {
      throw new SecAggException("the advertisements forwarded to client " + clientId + " do not include its own keys "
          + "unchanged");
    }
    byte[] b = new byte[Crypto.KEY_BYTES];
    random.nextBytes(b);
    List<Shamir.Share> sShares = Shamir.split(sSecret, threshold, ads.size(), random);
    List<Shamir.Share> bShares = Shamir.split(b, threshold, ads.size(), random);
    List<EncryptedShare> out = new ArrayList<>(ads.size() - 1);
    Map<String, byte[]> keys = new HashMap<>();
    int index = 0;
    int mine = 0;
    byte[][] ownShares = null;
    for (KeyAdvertisement v : ads.values()) {
      index++;
      byte[] sShare = sShares.get(index - 1).toBytes();
      byte[] bShare = bShares.get(index - 1).toBytes();
      if (v.clientId().equals(clientId)) {
        mine = index;
        ownShares = new byte[][] {sShare, bShare};
        continue;
      }
      byte[] plaintext = plaintext(clientId, v.clientId(), sShare, bShare);
      byte[] key = shareKey(v);
      keys.put(v.clientId(), key);
      out.add(new EncryptedShare(clientId, v.clientId(), Crypto.encrypt(key, plaintext, random)));
    }
    this.u1 = ads;
    shareKeys.putAll(keys);
    held.put(clientId, ownShares);
    this.myIndex = mine;
    this.selfSeed = b;
    stage = Stage.SHARED;
    return out;
  }

  /**
   * Round 2: decrypts and keeps the shares addressed to this client, and returns its masked input {@code y = x +
   * PRG(b) + sum over v in U2, v != u of (+PRG(s_uv) if u sorts before v, else -PRG(s_uv))}, all mod {@code 2^32},
   * where U2 is this client and the senders. {@link MaskPrg} expands seeds derived by HKDF: for the self mask from
   * {@code b}, the round and this client's id; for {@code s_uv} from {@code X25519(s_SK_u, s_PK_v)}, the round and
   * both ids. The client then forgets {@code b} and its secret keys; it keeps the shares it holds.
   *
   * @param encoded this client's input in the ring (see {@link FixedPoint}); not modified
   * @param toMe the encrypted shares the other clients of U2 sent this client: each from a client of {@code u1}, to
   *     this client, at most one per sender, at least {@code t - 1} of them
   * @throws SecAggException if a share is not so, does not decrypt, or names another round, sender or recipient
   */
  public int[] mask(int[] encoded, List<EncryptedShare> toMe) {
    requireStage(Stage.SHARED, "mask");
    Objects.requireNonNull(encoded, "encoded");
    SortedMap<String, byte[][]> got = new TreeMap<>();
    for (EncryptedShare e : toMe) {
      if (!e.to().equals(clientId)) {
        throw new SecAggException("client " + clientId + " was forwarded a share addressed to client " + e.to());
      }
      byte[] key = shareKeys.get(e.from());
      if (key == null) {
        throw new SecAggException("client " + clientId + " was forwarded a share from client " + e.from() + ", which "
            + (e.from().equals(clientId) ? "is itself" : "did not advertise keys in round 0"));
      }
      if (got.containsKey(e.from())) {
        throw new SecAggException("client " + clientId + " was forwarded two shares from client " + e.from());
      }
      byte[] plain;
      try {
        plain = Crypto.decrypt(key, e.ciphertext(), "the share from client " + e.from() + " to client "
            + clientId + " does not decrypt (altered, or made for another round or key)");
      } catch (SecAggException bad) {
        throw new SecAggException(bad.getMessage(), e.from());
      }
      got.put(e.from(), parse(plain, e.from()));
    }
    if (got.size() + 1 < threshold) {
      throw new SecAggException("client " + clientId + " received shares from " + got.size() + " other clients; with "
          + "itself that is below the threshold of " + threshold);
    }
    int[] y = encoded.clone();
    MaskPrg.apply(Crypto.derive(selfSeed, Crypto.SELF_LABEL, round, clientId), 1, y);
    for (String v : got.keySet()) {
      MaskPrg.apply(pairwiseSeed(v), clientId.compareTo(v) < 0 ? 1 : -1, y);
    }
    held.putAll(got);
    Set<String> members = new TreeSet<>(got.keySet());
    members.add(clientId);
    u2 = Set.copyOf(members);
    Arrays.fill(selfSeed, (byte) 0);
    Arrays.fill(cSecret, (byte) 0);
    Arrays.fill(sSecret, (byte) 0);
    shareKeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
    shareKeys.clear();
    selfSeed = null;
    cSecret = null;
    sSecret = null;
    stage = Stage.MASKED;
    return y;
  }

  /**
   * Round 3: this client's shares of {@code b_v} for every survivor {@code v} and of {@code s_SK_v} for every client
   * {@code v} of U2 that did not survive. Asked again with the same survivors, returns the same answer.
   *
   * @param survivors U3, the clients whose masked input the server received: a subset of U2, with this client, at
   *     least {@code t} of them
   * @throws SecAggException if the survivors are not so, or differ from those of an earlier call: revealing both
   *     {@code b_v} and {@code s_SK_v} for one client would let the server unmask that client's input
   */
  public UnmaskingShares unmask(Collection<String> survivors) {
    requireStage(Stage.MASKED, "unmask");
    Set<String> u3 = new TreeSet<>();
    for (String v : survivors) {
      if (!u3.add(v)) {
        throw new SecAggException("the survivors sent to client " + clientId + " name client " + v + " twice");
      }
      if (!u2.contains(v)) {
        throw new SecAggException("client " + v + " is named a survivor, but client " + clientId + " did not mask "
            + "against it in round 2");
      }
    }
    if (!u3.contains(clientId)) {
      throw new SecAggException("the survivors sent to client " + clientId + " do not include it");
    }
    if (u3.size() < threshold) {
      throw new SecAggException("only " + u3.size() + " clients survived to round 3, below the threshold of "
          + threshold + "; client " + clientId + " reveals nothing");
    }
    if (answeredSurvivors != null) {
      if (answeredSurvivors.equals(u3)) {
        return answer;
      }
      for (String v : new TreeSet<>(u2)) {
        if (answeredSurvivors.contains(v) != u3.contains(v)) {
          throw new SecAggException("client " + clientId + " already revealed its share of client " + v + "'s "
              + (answeredSurvivors.contains(v) ? "self-mask seed" : "mask secret key") + " and will not reveal its "
              + "share of the " + (answeredSurvivors.contains(v) ? "mask secret key" : "self-mask seed") + " too, "
              + "which would expose that client's input");
        }
      }
    }
    Map<String, byte[]> selfMask = new TreeMap<>();
    Map<String, byte[]> secretKey = new TreeMap<>();
    for (String v : u2) {
      byte[][] shares = held.get(v);
      if (u3.contains(v)) {
        selfMask.put(v, shares[1].clone());
      } else {
        secretKey.put(v, shares[0].clone());
      }
    }
    answeredSurvivors = u3;
    answer = new UnmaskingShares(clientId, selfMask, secretKey);
    return answer;
  }

  private void requireStage(Stage expected, String call) {
    if (stage != expected) {
      throw new IllegalStateException("client " + clientId + " cannot " + call + " now: the calls go advertise, "
          + "shareKeys, mask, unmask, and its last was " + switch (stage) {
            case NEW -> "none";
            case ADVERTISED -> "advertise";
            case SHARED -> "shareKeys";
            case MASKED -> "mask";
          });
    }
  }

  private byte[] shareKey(KeyAdvertisement other) {
    byte[] secret = Crypto.agree(cSecret, other.cPublicKey(), "client " + other.clientId() + "'s share public key");
    return Crypto.derive(secret, Crypto.SHARE_LABEL, round, Crypto.sorted(clientId, other.clientId()));
  }

  private byte[] pairwiseSeed(String other) {
    byte[] secret = Crypto.agree(sSecret, u1.get(other).sPublicKey(), "client " + other + "'s mask public key");
    return Crypto.derive(secret, Crypto.MASK_LABEL, round, Crypto.sorted(clientId, other));
  }

  private byte[] plaintext(String from, String to, byte[] sShare, byte[] bShare) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = to.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(FIXED_PLAINTEXT_BYTES + f.length + t.length).putInt(round).putInt(f.length).put(f)
        .putInt(t.length).put(t).put(sShare).put(bShare).array();
  }

  /** The {s_SK share, b share} of a decrypted share from {@code from}, after checking what it names. */
  private byte[][] parse(byte[] plain, String from) {
    String what = "the share from client " + from + " to client " + clientId;
    ByteBuffer in = ByteBuffer.wrap(plain);
    int r;
    String f;
    String t;
    byte[] sShare = new byte[Shamir.SHARE_BYTES];
    byte[] bShare = new byte[Shamir.SHARE_BYTES];
    try {
      r = in.getInt();
      f = readId(in);
      t = readId(in);
      in.get(sShare).get(bShare);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SecAggException(what + " is malformed", from);
    }
    if (in.hasRemaining()) {
      throw new SecAggException(what + " has " + in.remaining() + " bytes too many", from);
    }
    if (r != round || !f.equals(from) || !t.equals(clientId)) {
      throw new SecAggException(what + " names round " + r + ", from " + f + " to " + t + " instead", from);
    }
    for (byte[] share : List.of(sShare, bShare)) {
      int x;
      try {
        x = Shamir.Share.fromBytes(share).x();
      } catch (SecAggException bad) {
        throw new SecAggException(what + " holds a malformed share: " + bad.getMessage(), from);
      }
      if (x != myIndex) {
        throw new SecAggException(what + " holds a share for index " + x + ", client " + clientId + " has index "
            + myIndex, from);
      }
    }
    return new byte[][] {sShare, bShare};
  }

  private static String readId(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad id length");
    }
    byte[] id = new byte[length];
    in.get(id);
    return new String(id, StandardCharsets.UTF_8);
  }
}
