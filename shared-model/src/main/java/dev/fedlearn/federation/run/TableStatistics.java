package dev.fedlearn.federation.run;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.federation.secagg.ColumnSums;
import dev.fedlearn.federation.secagg.SecAggSession;
import dev.fedlearn.protocol.Refusal;
import java.util.List;
import java.util.Set;

/**
 * A table's column sums under secure aggregation. Before round 1 trains, every client of the run masks its rows'
 * count, column sums and sums of squares ({@link ColumnSums}) in a session of its own; the aggregator unmasks only
 * their total, from which it standardizes the run's inputs, as a run without secure aggregation does from the clients'
 * sums in the clear (the same bits from the same rows). The total is stored with the run: a restart keeps it.
 */
final class TableStatistics {
  private TableStatistics() {}

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
    c.store.columnsSummed(total);
    c.run.columnSums = total;
    c.run.standardization = standardization;
    c.events.record(RunEvent.Type.SECAGG, open.number, null, "secure aggregation of the table's column sums: masks "
        + "removed, the " + rows + " rows of " + included.size() + " clients " + included + " standardize the inputs");
    c.board.post(c.current());
  }
}
