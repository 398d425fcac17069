package dev.fedlearn.aggregator.store;

import dev.fedlearn.federation.RunDefinition;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.RunStore;
import dev.fedlearn.protocol.RunState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Every run the database keeps ({@code run} and the tables keyed by its id), each run's store a {@link JdbcRunStore}. */
@Component
public class JdbcRuns implements RunHistory {
  private static final String ENVIRONMENT = "environment";
  private static final String SUBMITTED = "submitted";

  private final JdbcTemplate jdbc;
  private final PlatformTransactionManager transactions;

  public JdbcRuns(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  @Override
  public List<Entry> runs() {
    return jdbc.query("select r.id, r.settings, r.origin, r.state, r.message, r.created_at, r.finished_at, "
        + "(select started_at from run_round s where s.run_id = r.id and s.round = 1), "
        + "(select max(round) from run_round d where d.run_id = r.id and d.model is not null), "
        + "(select " + score("l") + " from run_round l where l.run_id = r.id and l.round > 0 and l.round = "
        + "(select max(round) from run_round m where m.run_id = r.id and m.model is not null)), "
        + "(select max(" + score("b") + ") from run_round b where b.run_id = r.id and b.round > 0) "
        + "from run r order by r.id", (rs, i) -> new Entry(rs.getInt(1), rs.getString(2),
            SUBMITTED.equals(rs.getString(3)), rs.getString(4), rs.getString(5), instant(rs, 6), instant(rs, 8),
            instant(rs, 7), rs.getInt(9), doubleOrNull(rs, 10), doubleOrNull(rs, 11)));
  }

  /** Column {@code i} as a double (the databases type a computed one as they like), or null. */
  private static Double doubleOrNull(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }

  /**
   * A round's accuracy in SQL, of the run_round row {@code r}: the server's score, or, when the server held no test
   * set, its clients' scores weighted by their test samples.
   */
  private static String score(String r) {
    return "coalesce(" + r + ".global_accuracy, (select sum(e.num_samples * e.accuracy) / "
        + "cast(sum(e.num_samples) as double precision) from run_evaluation e where e.run_id = " + r + ".run_id "
        + "and e.round = " + r + ".round))";
  }

  /** The new run takes the id after the highest kept (the aggregator queues one run at a time). */
  @Override
  public int queue(RunDefinition definition, boolean submitted, Instant now) {
    String settings = definition.toJson();
    return new TransactionTemplate(transactions).execute(status -> {
      Integer last = jdbc.queryForObject("select max(id) from run", Integer.class);
      int id = last == null ? 1 : last + 1;
      jdbc.update("insert into run (id, settings, state, created_at, origin) values (?, ?, ?, ?, ?)", id, settings,
          RunState.QUEUED.name(), OffsetDateTime.ofInstant(now, ZoneOffset.UTC), submitted ? SUBMITTED
              : ENVIRONMENT);
      return id;
    });
  }

  @Override
  public List<Site> sites() {
    return jdbc.query("select c.client_id, c.train_samples, c.test_samples, f.first_at, c.registered_at, f.runs, "
        + "c.run_id from run_client c join (select client_id, min(registered_at) first_at, count(*) runs, "
        + "max(run_id) last_run from run_client group by client_id) f on f.client_id = c.client_id "
        + "and f.last_run = c.run_id order by f.first_at, c.client_id", (rs, i) -> new Site(rs.getString(1),
            rs.getInt(2), rs.getInt(3), instant(rs, 4), instant(rs, 5), rs.getInt(6), rs.getInt(7)));
  }

  @Override
  public RunStore store(int id) {
    return new JdbcRunStore(jdbc, transactions, id);
  }

  /**
   * Marks the run STOPPED and records why among its events, in one transaction; a finished run stays as it is. The
   * updates of its open round go (their weights were never aggregated).
   */
  @Override
  public void stop(int id, String reason, Instant now) {
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    new TransactionTemplate(transactions).executeWithoutResult(status -> {
      int stopped = jdbc.update("update run set state = ?, message = ?, finished_at = ? where id = ? "
          + "and state in (?, ?, ?)", RunState.STOPPED.name(), reason, at, id, RunState.WAITING_FOR_CLIENTS.name(),
          RunState.TRAINING.name(), RunState.QUEUED.name());
      if (stopped == 1) {
        jdbc.update("insert into run_event (run_id, at, type, round, client_id, detail) values (?, ?, ?, null, null, ?)",
            id, at, RunEvent.Type.STATE.id(), reason);
      }
      jdbc.update("delete from run_update_weights where run_id = ?", id);
      jdbc.update("delete from run_update u where u.run_id = ? and exists (select 1 from run_round r where "
          + "r.run_id = u.run_id and r.round = u.round and r.ended_at is null)", id);
    });
  }

  @Override
  public void resume(int id) {
    jdbc.update("update run set state = case when exists (select 1 from run_round r where r.run_id = run.id and "
        + "r.round = 1) then ? when exists (select 1 from run_round r where r.run_id = run.id) then ? else ? end, "
        + "message = null, finished_at = null where id = ? and state = ?", RunState.TRAINING.name(),
        RunState.WAITING_FOR_CLIENTS.name(), RunState.QUEUED.name(), id, RunState.STOPPED.name());
  }

  private static Instant instant(ResultSet rs, int col) throws SQLException {
    OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
