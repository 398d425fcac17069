package dev.fedlearn.wire;

import java.util.List;

/**
 * The secure aggregation session of an open round ({@code GET /rounds/{round}/secagg}): its id, which every message
 * of the session names; the threshold {@code t} of its Shamir shares; the fixed-point scale and the clip bound the
 * clients encode their weights with ({@link dev.fedlearn.secagg.FixedPoint}); and the clients picked for the round.
 * A session that cannot go on (too few clients in a step, a bad share) is abandoned and a new one takes its place.
 */
public record SecAggPlan(int round, String session, int threshold, double scale, float bound, List<String> picked) {
  public SecAggPlan {
    picked = List.copyOf(picked);
  }
}
