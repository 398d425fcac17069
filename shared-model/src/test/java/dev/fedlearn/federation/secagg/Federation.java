package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.EncryptedShare;
import dev.fedlearn.protocol.KeyAdvertisement;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A few clients taken through the rounds by hand, the test playing the server, so that a test can alter a message on
 * its way or look at what one client sends.
 */
final class Federation {
  final int round;
  final int threshold;
  final SortedMap<String, SecAggClient> clients = new TreeMap<>();
  List<KeyAdvertisement> u1;
  /** Round 1's encrypted shares by recipient. */
  final Map<String, List<EncryptedShare>> inbox = new TreeMap<>();

  Federation(int round, int threshold, SecureRandom random, String... ids) {
    this.round = round;
    this.threshold = threshold;
    for (String id : ids) {
      clients.put(id, new SecAggClient(id, round, threshold, random));
    }
  }

  /** A SecureRandom that gives the same bytes on every run: SHA1PRNG seeded before its first use. */
  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  SecAggClient client(String id) {
    return clients.get(id);
  }

  /** Round 0: every client advertises. */
  Federation advertise() {
    u1 = new ArrayList<>();
    for (SecAggClient c : clients.values()) {
      u1.add(c.advertise());
    }
    return this;
  }

  /** Round 1: every client shares its keys with {@link #u1}; the shares land in {@link #inbox}. */
  Federation shareKeys() {
    for (SecAggClient c : clients.values()) {
      for (EncryptedShare e : c.shareKeys(u1)) {
        inbox.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e);
      }
    }
    return this;
  }

  /** Round 2 for one client, with every share addressed to it. */
  int[] mask(String id, int[] input) {
    return client(id).mask(input, inbox.getOrDefault(id, List.of()));
  }
}
