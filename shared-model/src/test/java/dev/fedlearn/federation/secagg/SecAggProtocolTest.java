package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The whole protocol among five clients: the unmasked sum is the plain ring sum over the clients whose masked input
 * arrived, exactly, with clients dropping before or after masking; and what a client or the server refuses.
 */
class SecAggProtocolTest {
  static final List<String> IDS = List.of("alice", "bob", "carol", "dave", "erin");
  static final int THRESHOLD = 3;
  static final int LENGTH = 1000;
  static final int ROUND = 7;

  /** Ring inputs spread over all 32 bits, so that a sum that works also wraps. */
  static Map<String, int[]> inputs(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, int[]> in = new TreeMap<>();
    for (String id : IDS) {
      in.put(id, r.ints(LENGTH).toArray());
    }
    return in;
  }

  static int[] plainSum(Map<String, int[]> inputs, Collection<String> ids) {
    int[] sum = new int[LENGTH];
    for (String id : ids) {
      for (int j = 0; j < LENGTH; j++) {
        sum[j] += inputs.get(id)[j];
      }
    }
    return sum;
  }

  static List<String> without(String... ids) {
    List<String> rest = new ArrayList<>(IDS);
    rest.removeAll(List.of(ids));
    return rest;
  }

  static byte[] filled(int length, byte value) {
    byte[] b = new byte[length];
    Arrays.fill(b, value);
    return b;
  }

  static Federation federation(SecureRandom random) {
    return new Federation(ROUND, THRESHOLD, random, IDS.toArray(String[]::new)).advertise();
  }

  @Test
  void withoutDropoutTheSumIsThePlainRingSum() {
    Map<String, int[]> in = inputs(1);
    InProcessSecAgg.Result r = InProcessSecAgg.run(ROUND, THRESHOLD, in, Set.of(), Set.of(), Federation.seeded(1));
    assertThat(r.sum()).isEqualTo(plainSum(in, IDS));
    assertThat(r.included()).containsExactlyElementsOf(IDS);
    assertThat(r.bytesUp()).as("at least the masked inputs").isGreaterThan(5L * 4 * LENGTH);
    assertThat(r.bytesDown()).as("the 5 x 64 key bytes to each, and 4 ciphertexts each").isGreaterThan(5L * 5 * 64);
    InProcessSecAgg.Result byDefault = InProcessSecAgg.run(ROUND, SecAggServer.defaultThreshold(IDS.size()), in,
        Set.of(), Set.of(), Federation.seeded(2));
    assertThat(byDefault.sum()).isEqualTo(plainSum(in, IDS));
  }

  @Test
  void aClientThatDropsBeforeMaskingIsLeftOut() {
    Map<String, int[]> in = inputs(2);
    InProcessSecAgg.Result r = InProcessSecAgg.run(ROUND, THRESHOLD, in, Set.of("carol"), Set.of(),
        Federation.seeded(3));
    assertThat(r.sum()).isEqualTo(plainSum(in, without("carol")));
    assertThat(r.included()).containsExactlyElementsOf(without("carol"));
  }

  @Test
  void aClientThatDropsAfterMaskingIsIncluded() {
    Map<String, int[]> in = inputs(3);
    InProcessSecAgg.Result r = InProcessSecAgg.run(ROUND, THRESHOLD, in, Set.of(), Set.of("dave"),
        Federation.seeded(4));
    assertThat(r.sum()).isEqualTo(plainSum(in, IDS));
    assertThat(r.included()).containsExactlyElementsOf(IDS);
  }

  @Test
  void dropoutsBeforeAndAfterMaskingTogether() {
    Map<String, int[]> in = inputs(4);
    InProcessSecAgg.Result r = InProcessSecAgg.run(ROUND, THRESHOLD, in, Set.of("alice"), Set.of("erin"),
        Federation.seeded(5));
    assertThat(r.sum()).isEqualTo(plainSum(in, without("alice")));
    assertThat(r.included()).containsExactlyElementsOf(without("alice"));
  }

  @Test
  void tooManyDropoutsAreRefused() {
    Map<String, int[]> in = inputs(5);
    assertThatThrownBy(() -> InProcessSecAgg.run(ROUND, 4, in, Set.of("alice", "bob"), Set.of(),
        Federation.seeded(6))).isInstanceOf(SecAggException.class)
        .hasMessageContaining("only 3 clients survived to round 3, below the threshold of 4");
    assertThatThrownBy(() -> InProcessSecAgg.run(ROUND, 4, in, Set.of(), Set.of("carol", "dave"),
        Federation.seeded(7))).isInstanceOf(SecAggException.class)
        .hasMessageContaining("only 3 survivors answered round 3, below the threshold of 4");
  }

  @Test
  void aTamperedCiphertextIsRefused() {
    Federation f = federation(Federation.seeded(8)).shareKeys();
    List<EncryptedShare> toBob = new ArrayList<>(f.inbox.get("bob"));
    EncryptedShare fromAlice = toBob.get(0);
    byte[] altered = fromAlice.ciphertext().clone();
    altered[altered.length / 2] ^= 1;
    toBob.set(0, new EncryptedShare("alice", "bob", altered));
    assertThatThrownBy(() -> f.client("bob").mask(new int[LENGTH], toBob)).isInstanceOf(SecAggException.class)
        .hasMessage("the share from client alice to client bob does not decrypt (altered, or made for another round "
            + "or key)");
    toBob.set(0, new EncryptedShare("carol", "bob", fromAlice.ciphertext()));
    toBob.remove(1);
    assertThatThrownBy(() -> f.client("bob").mask(new int[LENGTH], toBob)).as("a share passed off as another's")
        .hasMessageContaining("the share from client carol to client bob does not decrypt");
    EncryptedShare bobToAlice = f.inbox.get("alice").stream().filter(e -> e.from().equals("bob")).findFirst()
        .orElseThrow();
    List<EncryptedShare> reflected = new ArrayList<>(f.inbox.get("bob"));
    reflected.set(0, new EncryptedShare("alice", "bob", bobToAlice.ciphertext()));
    assertThatThrownBy(() -> f.client("bob").mask(new int[LENGTH], reflected))
        .as("bob's own share to alice, sent back to it as alice's: the pair's key is the same both ways")
        .hasMessage("the share from client alice to client bob names round 7, from bob to alice instead");
    assertThatThrownBy(() -> f.client("carol").mask(new int[LENGTH], f.inbox.get("bob")))
        .hasMessageContaining("client carol was forwarded a share addressed to client bob");
    assertThatThrownBy(() -> f.client("bob").mask(new int[LENGTH], f.inbox.get("bob").subList(0, 1)))
        .hasMessageContaining("received shares from 1 other clients; with itself that is below the threshold of 3");
    assertThat(f.mask("bob", new int[LENGTH])).as("the refusals left bob's state as it was").hasSize(LENGTH);
  }

  @Test
  void advertisementsSwappedByTheServerAreRefused() {
    Federation f = federation(Federation.seeded(9));
    List<KeyAdvertisement> forged = new ArrayList<>(f.u1);
    KeyAdvertisement alice = forged.get(0);
    byte[] otherKey = f.u1.get(1).sPublicKey();
    forged.set(0, new KeyAdvertisement("alice", alice.cPublicKey(), new SecAggClient("x", ROUND, THRESHOLD,
        Federation.seeded(10)).advertise().sPublicKey()));
    assertThatThrownBy(() -> f.client("alice").shareKeys(forged)).isInstanceOf(SecAggException.class)
        .hasMessage("the advertisements forwarded to client alice do not include its own keys unchanged");
    forged.set(0, new KeyAdvertisement("alice", alice.cPublicKey(), otherKey));
    assertThatThrownBy(() -> f.client("carol").shareKeys(forged))
        .hasMessage("clients alice and bob advertised the same public key");
    Map<String, byte[]> badKeys = Map.of("is a low-order point", new byte[32], "is 31 bytes long, not 32",
        new byte[31], "is not a canonical X25519 u-coordinate", filled(32, (byte) 0xff));
    badKeys.forEach((message, bad) -> {
      List<KeyAdvertisement> badKey = new ArrayList<>(f.u1);
      badKey.set(1, new KeyAdvertisement("bob", bad, f.u1.get(1).sPublicKey()));
      assertThatThrownBy(() -> f.client("carol").shareKeys(badKey)).isInstanceOf(SecAggException.class)
          .hasMessageStartingWith("client bob's share public key " + message);
    });
    assertThatThrownBy(() -> f.client("carol").shareKeys(f.u1.subList(0, 2)))
        .hasMessageContaining("only 2 clients advertised keys, below the threshold of 3");

    KeyAdvertisement bob = f.u1.get(1);
    KeyAdvertisement carol = f.u1.get(2);
    List<KeyAdvertisement> swapped = new ArrayList<>(f.u1);
    swapped.set(1, new KeyAdvertisement("bob", carol.cPublicKey(), bob.sPublicKey()));
    swapped.set(2, new KeyAdvertisement("carol", bob.cPublicKey(), carol.sPublicKey()));
    List<EncryptedShare> fromAlice = f.client("alice").shareKeys(swapped);
    EncryptedShare toBob = fromAlice.stream().filter(e -> e.to().equals("bob")).findFirst().orElseThrow();
    for (String id : without("alice")) {
      f.client(id).shareKeys(f.u1);
    }
    assertThatThrownBy(() -> f.client("bob").mask(new int[LENGTH], List.of(toBob)))
        .as("alice encrypted to carol's key, thinking it bob's").isInstanceOf(SecAggException.class)
        .hasMessageContaining("the share from client alice to client bob does not decrypt");
  }

  @Test
  void aMessageFromAnotherRoundIsRefused() {
    SecureRandom random = Federation.seeded(11);
    Federation f = federation(random).shareKeys();
    Federation next = new Federation(ROUND + 1, THRESHOLD, random, IDS.toArray(String[]::new)).advertise().shareKeys();
    assertThatThrownBy(() -> next.client("bob").mask(new int[LENGTH], f.inbox.get("bob")))
        .as("last round's shares").isInstanceOf(SecAggException.class).hasMessageContaining("does not decrypt");

    SecAggClient late = new SecAggClient("erin", ROUND + 1, THRESHOLD, random);
    List<KeyAdvertisement> u1 = new ArrayList<>();
    Map<String, SecAggClient> mixed = new TreeMap<>();
    for (String id : IDS) {
      SecAggClient c = id.equals("erin") ? late : new SecAggClient(id, ROUND, THRESHOLD, random);
      mixed.put(id, c);
      u1.add(c.advertise());
    }
    List<EncryptedShare> toAlice = new ArrayList<>();
    for (SecAggClient c : mixed.values()) {
      c.shareKeys(u1).stream().filter(e -> e.to().equals("alice")).forEach(toAlice::add);
    }
    assertThatThrownBy(() -> mixed.get("alice").mask(new int[LENGTH], toAlice))
        .as("erin is in round 8, the others in round 7").hasMessageContaining("from client erin to client alice does "
            + "not decrypt");
  }

  @Test
  void wrongRoundThreeSharesAreDetectedByTheServer() {
    Map<String, int[]> in = inputs(6);
    Federation f = federation(Federation.seeded(12)).shareKeys();
    Map<String, int[]> masked = new TreeMap<>();
    for (String id : without("dave")) {
      masked.put(id, f.mask(id, in.get(id)));
    }
    List<UnmaskingShares> responses = new ArrayList<>();
    for (String id : masked.keySet()) {
      responses.add(f.client(id).unmask(masked.keySet()));
    }
    Set<String> u2 = Set.copyOf(IDS);
    assertThat(SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, masked, responses))
        .isEqualTo(plainSum(in, masked.keySet()));

    UnmaskingShares alice = responses.get(0);
    List<UnmaskingShares> badKey = new ArrayList<>(responses);
    badKey.set(0, new UnmaskingShares("alice", alice.selfMaskShares(), Map.of("dave", responses.get(1)
        .secretKeyShares().get("dave"))));
    assertThatThrownBy(() -> SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, masked, badKey.subList(0, THRESHOLD)))
        .as("bob's share of dave's key, claimed by alice").hasMessageContaining("client alice's share of client "
            + "dave's mask secret key has index 2, its own index is 1");

    Map<String, byte[]> wrongB = new TreeMap<>(alice.selfMaskShares());
    byte[] share = wrongB.get("erin").clone();
    share[share.length - 1] ^= 1;
    wrongB.put("erin", share);
    List<UnmaskingShares> badSeed = new ArrayList<>(responses);
    badSeed.set(0, new UnmaskingShares("alice", wrongB, alice.secretKeyShares()));
    assertThatThrownBy(() -> SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, masked, badSeed))
        .isInstanceOf(SecAggException.class).hasMessageContaining("the round-3 shares of client erin's self-mask "
            + "seed disagree");

    Map<String, byte[]> wrongKey = new TreeMap<>(alice.secretKeyShares());
    byte[] keyShare = wrongKey.get("dave").clone();
    keyShare[keyShare.length - 1] ^= 1;
    wrongKey.put("dave", keyShare);
    List<UnmaskingShares> onlyThree = new ArrayList<>(responses.subList(0, THRESHOLD));
    onlyThree.set(0, new UnmaskingShares("alice", alice.selfMaskShares(), wrongKey));
    assertThatThrownBy(() -> SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, masked, onlyThree))
        .isInstanceOf(SecAggException.class).hasMessageMatching("the (mask secret key reconstructed for client dave "
            + "does not match its advertised public key|round-3 shares of client dave's mask secret key do not give "
            + "a 32-byte value).*");

    assertThatThrownBy(() -> SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, masked, responses.subList(0, 2)))
        .hasMessageContaining("only 2 survivors answered round 3, below the threshold of 3");
    Map<String, int[]> shortInput = new TreeMap<>(masked);
    shortInput.put("bob", new int[LENGTH - 1]);
    assertThatThrownBy(() -> SecAggServer.unmask(ROUND, THRESHOLD, f.u1, u2, shortInput, responses))
        .hasMessageContaining("client bob's masked input has 999 ints, client alice's has 1000");
  }

  @Test
  void aClientRefusesToRevealBothSecretsOfOneClient() {
    Federation f = federation(Federation.seeded(13)).shareKeys();
    for (String id : IDS) {
      f.mask(id, new int[LENGTH]);
    }
    SecAggClient bob = f.client("bob");
    UnmaskingShares first = bob.unmask(IDS);
    assertThat(first.selfMaskShares()).containsOnlyKeys(IDS);
    assertThat(first.secretKeyShares()).isEmpty();
    assertThat(bob.unmask(List.of("erin", "dave", "carol", "bob", "alice"))).as("asked again, the same answer")
        .isEqualTo(first);
    assertThatThrownBy(() -> bob.unmask(without("carol"))).isInstanceOf(SecAggException.class)
        .hasMessage("client bob already revealed its share of client carol's self-mask seed and will not reveal its "
            + "share of the mask secret key too, which would expose that client's input");

    SecAggClient dave = f.client("dave");
    UnmaskingShares droppedCarol = dave.unmask(without("carol"));
    assertThat(droppedCarol.secretKeyShares()).containsOnlyKeys("carol");
    assertThatThrownBy(() -> dave.unmask(IDS)).hasMessageContaining("already revealed its share of client carol's "
        + "mask secret key");
    assertThatThrownBy(() -> f.client("alice").unmask(List.of("alice", "bob", "mallory")))
        .hasMessageContaining("client mallory is named a survivor, but client alice did not mask against it");
    assertThatThrownBy(() -> f.client("alice").unmask(List.of("bob", "carol", "dave")))
        .hasMessageContaining("do not include it");
  }

  @Test
  void callsOutOfOrderAndTheDefaultThreshold() {
    SecAggClient c = new SecAggClient("alice", ROUND, THRESHOLD, Federation.seeded(14));
    assertThatThrownBy(() -> c.mask(new int[1], List.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot mask now");
    c.advertise();
    assertThatThrownBy(c::advertise).isInstanceOf(IllegalStateException.class);
    assertThat(List.of(1, 2, 3, 4, 5, 10, 100)).map(SecAggServer::defaultThreshold)
        .containsExactly(1, 2, 3, 3, 4, 7, 67);
  }
}
