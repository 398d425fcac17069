package dev.fedlearn.aggregator.store;

import dev.fedlearn.federation.run.RunStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A run's cross-site evaluation as V11 keeps it ({@code run_cross_site}, {@code run_cross_site_model},
 * {@code run_cross_site_score}): read back whole, a row's accuracies as little-endian float64.
 */
final class CrossSiteRows {
  private CrossSiteRows() {}

  /** Run {@code runId}'s cross-site evaluation, or null when none was asked for. */
  static RunStore.StoredCrossSite load(JdbcTemplate jdbc, int runId) {
    List<Object[]> asked = jdbc.query("select requested_at, scoring_at, done_at from run_cross_site where run_id = ?",
        (rs, i) -> new Object[] {JdbcRunStore.instant(rs, 1), JdbcRunStore.instant(rs, 2),
            JdbcRunStore.instant(rs, 3)}, runId);
    if (asked.isEmpty()) {
      return null;
    }
    List<RunStore.StoredLocalModel> models = jdbc.query("select client_id, weights, received_at from "
        + "run_cross_site_model where run_id = ? order by client_id", (rs, i) -> new RunStore.StoredLocalModel(
            rs.getString(1), JdbcRunStore.floats(rs.getBytes(2)), JdbcRunStore.instant(rs, 3)), runId);
    List<RunStore.StoredCrossSiteRow> rows = jdbc.query("select client_id, num_samples, accuracy, received_at from "
        + "run_cross_site_score where run_id = ? order by client_id", (rs, i) -> new RunStore.StoredCrossSiteRow(
            rs.getString(1), rs.getLong(2), doubles(rs.getBytes(3)), JdbcRunStore.instant(rs, 4)), runId);
    Object[] a = asked.get(0);
    return new RunStore.StoredCrossSite((java.time.Instant) a[0], (java.time.Instant) a[1],
        (java.time.Instant) a[2], models, rows);
  }

  static byte[] bytes(List<Double> values) {
    ByteBuffer b = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(b::putDouble);
    return b.array();
  }

  static List<Double> doubles(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Double> values = new ArrayList<>(bytes.length / 8);
    while (b.remaining() >= 8) {
      values.add(b.getDouble());
    }
    return values;
  }
}
