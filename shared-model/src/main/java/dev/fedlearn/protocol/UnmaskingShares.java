package dev.fedlearn.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Round 3 message from one surviving client: for each survivor (in U3) its share of that survivor's self-mask seed
 * {@code b}, and for each client that dropped after sharing its keys (in U2 but not U3) its share of that client's
 * mask secret key {@code s_SK}. Each share is a serialised {@link dev.fedlearn.federation.secagg.Shamir.Share}. The
 * maps are copied (unmodifiable); equal when the sender and every share are, byte by byte; {@link #toString} gives the
 * ids, not the shares.
 */
public record UnmaskingShares(String from, Map<String, byte[]> selfMaskShares, Map<String, byte[]> secretKeyShares)
    implements SecAggMessage {
  public UnmaskingShares {
    Objects.requireNonNull(from, "from");
    selfMaskShares = Map.copyOf(selfMaskShares);
    secretKeyShares = Map.copyOf(secretKeyShares);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnmaskingShares u && from.equals(u.from) && sameShares(selfMaskShares, u.selfMaskShares)
        && sameShares(secretKeyShares, u.secretKeyShares);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, sharesHash(selfMaskShares), sharesHash(secretKeyShares));
  }

  @Override
  public String toString() {
    return "UnmaskingShares[from=" + from + ", selfMaskShares=" + new TreeSet<>(selfMaskShares.keySet())
        + ", secretKeyShares=" + new TreeSet<>(secretKeyShares.keySet()) + "]";
  }

  private static boolean sameShares(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static int sharesHash(Map<String, byte[]> shares) {
    int h = 0;
    for (Map.Entry<String, byte[]> e : shares.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  /** The client that sends it: {@link #from}. */
  @JsonIgnore
  @Override
  public String clientId() {
    return from;
  }
}
