package dev.fedlearn.fl;

import java.util.List;

/**
 * Which clients train in a round (Flower's {@code fraction_fit} and {@code min_fit_clients}): of the {@code n}
 * available clients, {@code max(minClients, floor(fraction * n))} (at most {@code n}), drawn reproducibly from the
 * run's seed and the round, independently of the order the clients are listed in.
 *
 * @param fraction share of the available clients picked each round, in (0, 1]
 * @param minClients least number of clients picked (0: no minimum beyond one)
 */
public record ClientSampler(double fraction, int minClients) {
  /** Every client, every round. */
  public static final ClientSampler ALL = new ClientSampler(1.0, 0);

  public ClientSampler {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the client fraction must be in (0, 1], got " + fraction);
    }
    if (minClients < 0) {
      throw new IllegalArgumentException("the minimum number of clients must be 0 or more, got " + minClients);
    }
  }

  /** The clients picked for {@code round}, sorted by id. */
  public List<String> pick(List<String> available, int round, long seed) {
    throw new UnsupportedOperationException("to be written");
  }
}
