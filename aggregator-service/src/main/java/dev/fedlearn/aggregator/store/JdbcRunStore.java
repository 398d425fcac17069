package dev.fedlearn.aggregator.store;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.PersonalizedReport;
import dev.fedlearn.protocol.RunState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One run in a relational database (an H2 file under {@code FL_STATE_DIR} by default, PostgreSQL by configuration),
 * its schema kept by Flyway ({@code db/migration}); the database holds every run, each row under its run's id
 * ({@link JdbcRuns} lists them). Every method is one transaction. Models are stored as little-endian float32 bytes,
 * per-epoch figures as little-endian float64 pairs.
 */
public class JdbcRunStore implements RunStore {
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final int runId;

  /** The store of run {@code runId} (which {@link #begin} creates when it is not there yet). */
  public JdbcRunStore(JdbcTemplate jdbc, PlatformTransactionManager transactions, int runId) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactions);
    this.runId = runId;
  }

  @Override
  public Optional<Stored> load(java.util.function.IntPredicate models) {
    return tx.execute(status -> {
      List<Object[]> run = jdbc.query("select settings, state, message, column_sums, column_sums_revealed from run "
          + "where id = ?", (rs, i) -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3),
              sums(rs.getBytes(4)), rs.getBoolean(5)}, runId);
      if (run.isEmpty()) {
        return Optional.<Stored>empty();
      }
      List<StoredClient> clients = jdbc.query("select client_id, train_samples, test_samples, registered_at, sums "
          + "from run_client where run_id = ? order by registered_at, client_id", (rs, i) -> new StoredClient(
              rs.getString(1), rs.getInt(2), rs.getInt(3), instant(rs, 4), sums(rs.getBytes(5))), runId);
      Integer last = jdbc.queryForObject("select max(round) from run_round where run_id = ? and model is not null",
          Integer.class, runId);
      int lastClosed = last == null ? -1 : last;
      // The models and states not asked for are not fetched: memory stays bounded however many rounds there are.
      List<StoredRound> rounds = jdbc.query("select round, started_at, ended_at, global_accuracy, global_loss, "
          + "case when round = ? or " + inList(models, lastClosed) + " then model end, "
          + "case when round = ? then strategy_state end from run_round where run_id = ? order by round",
          (rs, i) -> new StoredRound(rs.getInt(1), instant(rs, 2), instant(rs, 3), (Double) rs.getObject(4),
              (Double) rs.getObject(5), floats(rs.getBytes(6)), StrategyStates.decode(rs.getBytes(7))),
          lastClosed, lastClosed, runId);
      // Only the open round's weights: a closed round's are in its global model (any left by a crash are ignored).
      List<StoredUpdate> updates = jdbc.query("select u.round, u.client_id, u.num_samples, u.train_loss, "
          + "u.train_accuracy, u.received_at, case when r.ended_at is null then w.weights end, u.epochs "
          + "from run_update u join run_round r on r.run_id = u.run_id and r.round = u.round "
          + "left join run_update_weights w on w.run_id = u.run_id and w.round = u.round and w.client_id = u.client_id "
          + "where u.run_id = ? order by u.round, u.received_at, u.client_id",
          (rs, i) -> new StoredUpdate(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5),
              instant(rs, 6), floats(rs.getBytes(7)), epochs(rs.getBytes(8))), runId);
      List<StoredEvaluation> evaluations = jdbc.query("select round, client_id, num_samples, loss, accuracy, "
          + "received_at, confusion from run_evaluation where run_id = ? order by round, received_at, client_id",
          (rs, i) -> new StoredEvaluation(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
              rs.getDouble(5), instant(rs, 6), longs(rs.getBytes(7))), runId);
      List<StoredPersonalized> personalized = jdbc.query("select client_id, epochs, num_samples, global_accuracy, "
          + "loss, accuracy, received_at from run_personalized where run_id = ? order by client_id",
          (rs, i) -> new StoredPersonalized(new PersonalizedReport(rs.getString(1), rs.getInt(2), rs.getLong(3),
              rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)), instant(rs, 7)), runId);
      Object[] r = run.get(0);
      return Optional.of(new Stored((String) r[0], (String) r[1], (String) r[2], clients, rounds, updates,
          evaluations, (Standardization.Sums) r[3], (Boolean) r[4], personalized, CrossSiteRows.load(jdbc, runId)));
    });
  }

  /** {@code round in (...)}: the closed rounds up to {@code last} that {@code models} accepts ({@code false}: none). */
  private static String inList(java.util.function.IntPredicate models, int last) {
    StringBuilder in = new StringBuilder();
    for (int r = 0; r <= last; r++) {
      if (models.test(r)) {
        in.append(in.length() == 0 ? "" : ",").append(r);
      }
    }
    return in.length() == 0 ? "1 = 0" : "round in (" + in + ")";
  }

  @Override
  public void begin(RunDefinition definition, String state, StoredRound initial, Instant now) {
    String settings = definition.toJson();
    tx.executeWithoutResult(status -> {
      int queued = jdbc.update("update run set state = ? where id = ? and state = ? and settings = ?", state, runId,
          RunState.QUEUED.name(), settings);
      if (queued == 0) {
        jdbc.update("insert into run (id, settings, state, created_at) values (?, ?, ?, ?)", runId, settings, state,
            time(now));
      }
      insertRound(initial);
    });
  }

  @Override
  public void clientRegistered(StoredClient c, String state, StoredRound opened) {
    tx.executeWithoutResult(status -> {
      jdbc.update("insert into run_client (run_id, client_id, train_samples, test_samples, registered_at, sums) "
          + "values (?, ?, ?, ?, ?, ?)", runId, c.clientId(), c.trainSamples(), c.testSamples(),
          time(c.registeredAt()), bytes(c.sums()));
      if (opened != null) {
        insertRound(opened);
        jdbc.update("update run set state = ? where id = ?", state, runId);
      }
    });
  }

  @Override
  public void updateAccepted(StoredUpdate u) {
    tx.executeWithoutResult(status -> {
      jdbc.update("insert into run_update (run_id, round, client_id, num_samples, train_loss, train_accuracy, "
          + "received_at, epochs) values (?, ?, ?, ?, ?, ?, ?, ?)", runId, u.round(), u.clientId(), u.numSamples(),
          u.trainLoss(), u.trainAccuracy(), time(u.receivedAt()), bytes(u.epochs()));
      jdbc.update("insert into run_update_weights (run_id, round, client_id, weights) values (?, ?, ?, ?)", runId,
          u.round(), u.clientId(), bytes(u.weights()));
    });
  }

  @Override
  public void personalizedReceived(StoredPersonalized p) {
    PersonalizedReport r = p.report();
    tx.executeWithoutResult(status -> jdbc.update("insert into run_personalized (run_id, client_id, epochs, "
        + "num_samples, global_accuracy, loss, accuracy, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)", runId,
        r.clientId(), r.epochs(), r.numSamples(), r.globalAccuracy(), r.loss(), r.accuracy(), time(p.receivedAt())));
  }

  @Override
  public void crossSiteRequested(Instant at) {
    tx.executeWithoutResult(status -> jdbc.update("insert into run_cross_site (run_id, requested_at) values (?, ?)",
        runId, time(at)));
  }

  @Override
  public void localModelReceived(StoredLocalModel m) {
    tx.executeWithoutResult(status -> jdbc.update("insert into run_cross_site_model (run_id, client_id, weights, "
        + "received_at) values (?, ?, ?, ?)", runId, m.clientId(), bytes(m.weights()), time(m.receivedAt())));
  }

  @Override
  public void crossSiteScoring(Instant at) {
    tx.executeWithoutResult(status -> jdbc.update("update run_cross_site set scoring_at = ? where run_id = ?",
        time(at), runId));
  }

  @Override
  public void crossSiteRowReceived(StoredCrossSiteRow r) {
    tx.executeWithoutResult(status -> jdbc.update("insert into run_cross_site_score (run_id, client_id, num_samples, "
        + "accuracy, received_at) values (?, ?, ?, ?, ?)", runId, r.clientId(), r.numSamples(),
        CrossSiteRows.bytes(r.accuracy()), time(r.receivedAt())));
  }

  @Override
  public void crossSiteDone(Instant at) {
    tx.executeWithoutResult(status -> {
      jdbc.update("update run_cross_site set done_at = ? where run_id = ?", time(at), runId);
      jdbc.update("update run_cross_site_model set weights = null where run_id = ?", runId);
    });
  }

  @Override
  public void columnsRevealed() {
    tx.executeWithoutResult(status -> jdbc.update("update run set column_sums_revealed = true where id = ?", runId));
  }

  @Override
  public void columnsSummed(Standardization.Sums total, int round, Instant now) {
    tx.executeWithoutResult(status -> {
      jdbc.update("update run set column_sums = ? where id = ?", bytes(total), runId);
      jdbc.update("update run_round set started_at = ? where run_id = ? and round = ?", time(now), runId, round);
    });
  }

  @Override
  public void roundClosed(StoredRound closed, String state, StoredRound opened) {
    tx.executeWithoutResult(status -> {
      int changed = jdbc.update("update run_round set ended_at = ?, global_accuracy = ?, global_loss = ?, model = ?, "
          + "strategy_state = ? where run_id = ? and round = ? and ended_at is null", time(closed.endedAt()),
          closed.accuracy(), closed.loss(), bytes(closed.model()), StrategyStates.encode(closed.strategyState()),
          runId, closed.round());
      if (changed != 1) {
        throw new IllegalStateException("round " + closed.round() + " is not open in the store");
      }
      if (opened != null) {
        insertRound(opened);
      }
      jdbc.update("update run set state = ?, finished_at = ? where id = ?", state,
          opened == null ? time(closed.endedAt()) : null, runId);
    });
    dropWeights(closed.round());
  }

  /**
   * Deletes the weights of the updates of rounds up to {@code round} (aggregated into their global models), one update
   * a transaction: one transaction over a hundred large updates would hold them all again in the database's undo log.
   * Weights left behind by a crash in between are ignored on load and deleted when the next round closes.
   */
  private void dropWeights(int round) {
    List<Object[]> keys = jdbc.query("select round, client_id from run_update_weights where run_id = ? and round <= ?",
        (rs, i) -> new Object[] {rs.getInt(1), rs.getString(2)}, runId, round);
    for (Object[] k : keys) {
      tx.executeWithoutResult(status -> jdbc.update("delete from run_update_weights where run_id = ? and round = ? "
          + "and client_id = ?", runId, k[0], k[1]));
    }
  }

  @Override
  public void evaluationReceived(StoredEvaluation e) {
    jdbc.update("insert into run_evaluation (run_id, round, client_id, num_samples, loss, accuracy, received_at, "
        + "confusion) values (?, ?, ?, ?, ?, ?, ?, ?)", runId, e.round(), e.clientId(), e.numSamples(), e.loss(),
        e.accuracy(), time(e.receivedAt()), bytes(e.confusion()));
  }

  @Override
  public void failed(String state, String message) {
    jdbc.update("update run set state = ?, message = ?, finished_at = ? where id = ?", state, message,
        time(Instant.now()), runId);
  }

  @Override
  public void eventRecorded(RunEvent e) {
    jdbc.update("insert into run_event (run_id, at, type, round, client_id, detail) values (?, ?, ?, ?, ?, ?)", runId,
        time(e.at()), e.type(), e.round(), e.clientId(), e.detail());
  }

  @Override
  public List<RunEvent> events() {
    return jdbc.query("select at, type, round, client_id, detail from run_event where run_id = ? order by id",
        (rs, i) -> new RunEvent(instant(rs, 1), rs.getString(2), (Integer) rs.getObject(3), rs.getString(4),
            rs.getString(5), null), runId);
  }

  @Override
  public List<RunEvent> recentEvents(int limit) {
    List<RunEvent> newest = jdbc.query("select at, type, round, client_id, detail from run_event where run_id = ? "
        + "order by id desc fetch first ? rows only", (rs, i) -> new RunEvent(instant(rs, 1), rs.getString(2),
            (Integer) rs.getObject(3), rs.getString(4), rs.getString(5), null), runId, limit);
    java.util.Collections.reverse(newest);
    return newest;
  }

  private void insertRound(StoredRound r) {
    jdbc.update("insert into run_round (run_id, round, started_at, ended_at, global_accuracy, global_loss, model) "
        + "values (?, ?, ?, ?, ?, ?, ?)", runId, r.round(), time(r.startedAt()),
        r.endedAt() == null ? null : time(r.endedAt()), r.accuracy(), r.loss(), r.model() == null ? null
            : bytes(r.model()));
  }

  static OffsetDateTime time(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static byte[] bytes(float[] f) {
    if (f == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(f);
    return b.array();
  }

  /** Per-epoch figures as little-endian float64 (loss, accuracy) pairs; null for none. */
  static byte[] bytes(List<ClientUpdate.Epoch> epochs) {
    if (epochs.isEmpty()) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(epochs.size() * 16).order(ByteOrder.LITTLE_ENDIAN);
    for (ClientUpdate.Epoch e : epochs) {
      b.putDouble(e.loss()).putDouble(e.accuracy());
    }
    return b.array();
  }

  static List<ClientUpdate.Epoch> epochs(byte[] bytes) {
    if (bytes == null) {
      return List.of();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<ClientUpdate.Epoch> epochs = new java.util.ArrayList<>(bytes.length / 16);
    while (b.remaining() >= 16) {
      epochs.add(new ClientUpdate.Epoch(epochs.size() + 1, b.getDouble(), b.getDouble()));
    }
    return epochs;
  }

  static float[] floats(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    float[] f = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  /** A client's column sums as V7 keeps them: the count, the sums, the sums of squares, big-endian doubles. */
  static byte[] bytes(Standardization.Sums sums) {
    if (sums == null) {
      return null;
    }
    int d = sums.sum().length;
    ByteBuffer b = ByteBuffer.allocate(8 * (1 + 2 * d));
    b.putLong(sums.count());
    for (double v : sums.sum()) {
      b.putDouble(v);
    }
    for (double v : sums.sumSquares()) {
      b.putDouble(v);
    }
    return b.array();
  }

  static Standardization.Sums sums(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int d = (bytes.length / 8 - 1) / 2;
    long count = b.getLong();
    double[] sum = new double[d];
    double[] squares = new double[d];
    for (int j = 0; j < d; j++) {
      sum[j] = b.getDouble();
    }
    for (int j = 0; j < d; j++) {
      squares[j] = b.getDouble();
    }
    return new Standardization.Sums(count, sum, squares);
  }

  /** Confusion counts as V7 keeps them: big-endian longs. */
  static byte[] bytes(long[] counts) {
    if (counts == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(8 * counts.length);
    for (long c : counts) {
      b.putLong(c);
    }
    return b.array();
  }

  static long[] longs(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    long[] counts = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).asLongBuffer().get(counts);
    return counts;
  }
}
