package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.MaskedUpdate;
import dev.fedlearn.protocol.SecAggPlan;
import dev.fedlearn.protocol.UnmaskingShares;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The last step of a {@link SecAggSession}: the masks removed from the survivors' masked inputs
 * ({@link SecAggServer#unmask}), the sum decoded from fixed point, and the result checked against what the clients
 * could have sent; a sum of column sums is returned as the ring holds it.
 */
final class SessionUnmasking {
  private SessionUnmasking() {}

  /**
   * The unmasked result of U3 ({@code u3}), the survivors among {@code masked}, from their {@code unmasking} shares.
   *
   * @param samplesBound the training samples the included clients registered: the most the sum may count
   * @throws SecAggException when the masks cannot be removed, or when the unmasked sample count is not between 1 and
   *     {@code samplesBound} or a weight of the mean is outside the plan's bound (a client sent a bad input)
   */
  static SecAggSession.Result result(SecAggPlan plan, List<KeyAdvertisement> u1, Set<String> u2, Set<String> u3,
      Map<String, MaskedUpdate> masked, Collection<UnmaskingShares> unmasking, long samplesBound) {
    Map<String, int[]> inputs = new TreeMap<>();
    masked.forEach((id, m) -> {
      if (u3.contains(id)) {
        inputs.put(id, m.ints());
      }
    });
    int[] sum = SecAggServer.unmask(plan.round(), plan.threshold(), u1, u2, inputs, List.copyOf(unmasking));
    if (plan.sumsColumns()) { // the run decodes and checks them (ColumnSums)
      return new SecAggSession.Result(null, 0, included(u3, masked), sum);
    }
    FixedPoint.Decoded decoded = FixedPoint.decode(sum, plan.scale());
    if (decoded.samples() < 1 || decoded.samples() > samplesBound) {
      throw new SecAggException("the unmasked sample count " + decoded.samples() + " is not between 1 and the "
          + samplesBound + " training samples the included clients registered: a client sent a bad input");
    }
    for (float w : decoded.mean()) {
      if (!(Math.abs(w) <= plan.bound())) {
        throw new SecAggException("the unmasked mean has a weight of " + w + ", outside the clip bound "
            + plan.bound() + ": a client sent a bad input");
      }
    }
    return new SecAggSession.Result(decoded.mean(), decoded.samples(), included(u3, masked));
  }

  private static Map<String, MaskedUpdate> included(Set<String> u3, Map<String, MaskedUpdate> masked) {
    Map<String, MaskedUpdate> included = new TreeMap<>();
    u3.forEach(id -> included.put(id, masked.get(id)));
    return included;
  }
}
