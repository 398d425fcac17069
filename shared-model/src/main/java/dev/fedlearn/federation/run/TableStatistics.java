package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.SecAggSession;
import dev.fedlearn.protocol.Refusal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A table's column sums under secure aggregation. Before round 1 trains, every client of the run masks its rows'
 * count, column sums and sums of squares ({@link ColumnSums}) in a session of its own; the aggregator unmasks only
 * their total, from which it standardizes the run's inputs, as a run without secure aggregation does from the clients'
 * sums in the clear (the same bits from the same rows). The total is stored with the run: a restart keeps it.
 */
final class TableStatistics {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunCoordinator.class);
  private TableStatistics() {}

  /**
   * Before session {@code s}, summing column sums, tells its survivors to send their unmasking shares: keeps that it
   * did, so that no restart starts another session with the same sums (two unmaskings could reveal one client's).
   */
  static void revealing(RunCoordinator c, SecAggSession s) {
    if (s.plan().sumsColumns() && !c.run.columnsRevealed) {
      c.store.columnsRevealed();
      c.run.columnsRevealed = true;
    }
  }

  /** The aggregator restarted after its column-sum session asked for unmasking shares: the run cannot go on. */
  static void restartedAfterReveal(RunCoordinator c) {
    c.fail("the aggregator restarted after its secure aggregation of the table's column sums asked for the unmasking "
        + "shares: the same sums are never masked again, so the run cannot standardize its inputs (start it again)");
  }

  /** Session {@code s} was abandoned after the unmasking shares were asked for: the same sums are never masked again. */
  static void failedAfterReveal(RunCoordinator c, SecAggSession s) {
    c.fail("the secure aggregation of the table's column sums (session " + s.plan().session() + ") failed after the "
        + "unmasking shares were asked for (" + s.abandonedBecause() + "): the same sums are never masked again");
    c.changed();
  }

  /**
   * Takes the total that session {@code s} unmasked ({@code result}): checked against the rows its included clients
   * registered, stored, and made the run's standardization. A total no rows can give (a client sent a bad input,
   * which secure aggregation cannot tell apart) fails the run, saying so.
   */
  static void summed(RunCoordinator c, RunLedger.Round open, SecAggSession s, SecAggSession.Result result) {
    Set<String> included = result.included().keySet();
    long rows = 0;
    for (String id : included) {
      RunCoordinator.Client client = c.run.clients.get(id);
      rows += (long) client.trainSamples() + client.testSamples();
    }
    Standardization.Sums total;
    Standardization standardization;
    try {
      total = ColumnSums.decode(result.ring(), c.definition().data().schema().inputs(), included.size());
      if (total.count() != rows) {
        throw new IllegalArgumentException("they count " + total.count() + " rows where the clients registered "
            + rows);
      }
      RequestChecks.possible(total);
      standardization = Standardization.of(List.of(total));
    } catch (IllegalArgumentException | Refusal e) {
      c.fail("the table's column sums that secure aggregation session " + s.plan().session() + " unmasked cannot be "
          + "the rows of clients " + included + " (one of them sent a bad input): " + e.getMessage());
      return;
    }
    Instant now = c.now();
    try {
      c.store.columnsSummed(total, open.number, now);
    } catch (RuntimeException e) { // the shares are revealed: the session cannot run again
      c.fail("the table's column sums could not be stored (" + e.getMessage() + "): the same sums are never masked "
          + "again");
      return;
    }
    open.startedAt = now; // round 1's deadline counts from its weights session
    c.run.columnSums = total;
    c.run.standardization = standardization;
    String done = "secure aggregation of the table's column sums: masks removed, the " + rows + " rows of "
        + included.size() + " clients " + included + " standardize the inputs";
    log.info(done);
    c.events.record(RunEvent.Type.SECAGG, open.number, null, done);
    c.board.post(c.current());
  }
}
