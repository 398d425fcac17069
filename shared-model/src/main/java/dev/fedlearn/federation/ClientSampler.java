package dev.fedlearn.federation;

import dev.fedlearn.engine.data.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which clients train in a round (Flower's {@code fraction_fit} and {@code min_fit_clients}): of the {@code n}
 * available clients, {@code max(minClients, floor(fraction * n))} (at most {@code n}), drawn reproducibly from the
 * run's seed and the round, independently of the order the clients are listed in.
 *
 * @param fraction share of the available clients picked each round, in (0, 1]
 * @param minClients least number of clients picked, at least 1
 */
public record ClientSampler(double fraction, int minClients) {
  /** Every client, every round. */
  public static final ClientSampler ALL = new ClientSampler(1.0, 1);

  public ClientSampler {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the client fraction must be in (0, 1], got " + fraction);
    }
    if (minClients < 1) {
      throw new IllegalArgumentException("the minimum number of clients must be at least 1, got " + minClients);
    }
  }

  /**
   * How many of {@code n} available clients are picked: {@code max(minClients, floor(fraction * n))}, at most
   * {@code n}.
   */
  public int count(int n) {
    return Math.min(n, Math.max(minClients, (int) Math.floor(fraction * n)));
  }

  /**
   * The clients picked for {@code round}, sorted by id: the available ids are sorted (so the order they are listed
   * in does not matter), shuffled by Fisher-Yates with the stream {@code Seeds.derive(seed, Seeds.SAMPLE, round)},
   * and the first {@link #count} are taken. Every client when all are picked. Refuses an id listed twice.
   */
  public List<String> pick(List<String> available, int round, long seed) {
    String[] ids = available.toArray(new String[0]);
    Arrays.sort(ids);
    for (int i = 1; i < ids.length; i++) {
      if (ids[i].equals(ids[i - 1])) {
        throw new IllegalArgumentException("client " + ids[i] + " is listed twice");
      }
    }
    int k = count(ids.length);
    if (k == ids.length) {
      return List.of(ids);
    }
    SplittableRandom rng = Seeds.derive(seed, Seeds.SAMPLE, round);
    for (int i = ids.length - 1; i > 0; i--) { // Fisher-Yates, as Partitioner.shuffle
      int j = rng.nextInt(i + 1);
      String t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    String[] picked = Arrays.copyOf(ids, k);
    Arrays.sort(picked);
    return List.of(picked);
  }
}
