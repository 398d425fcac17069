package dev.fedlearn.protocol;

import java.time.Instant;
import java.util.List;

/**
 * A completed run's cross-site evaluation as the API shows it ({@code GET /cross-site}): a column per model, the
 * final global model first ({@code global}) then every registered site's last local model, in site order; a row per
 * registered site with the test samples it scored on and its accuracy of each model on its own test split. A row is
 * all null until its site has scored; a column is null in every row when its site's model was not collected (the
 * site kept none, e.g. it restarted, or it came after the deadline).
 *
 * @param run the run it belongs to (null when the aggregator does not name its runs)
 * @param state {@link State#NONE} when no evaluation was asked for, else where it stands
 * @param requestedAt when it was asked for (null for none)
 * @param scoringAt when the models were collected and the scoring began (null before)
 * @param doneAt when every row was in, or the scoring's deadline passed (null before)
 * @param models the columns' names
 * @param rows the rows, in site order
 */
public record CrossSiteMatrix(Integer run, State state, Instant requestedAt, Instant scoringAt, Instant doneAt,
    List<String> models, List<Row> rows) {

  /** Where a cross-site evaluation stands. */
  public enum State {
    /** None was asked for. */
    NONE,
    /** The clients upload their last local models. */
    COLLECTING,
    /** The clients score the collected models on their test splits. */
    SCORING,
    /** Every row is in, or the scoring's deadline passed. */
    DONE
  }

  /** A site's row: its test samples and each model's accuracy (null where missing). */
  public record Row(String site, Long testSamples, List<Double> accuracy) {
    public Row {
      accuracy = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(accuracy));
    }
  }

  public CrossSiteMatrix {
    models = List.copyOf(models);
    rows = List.copyOf(rows);
  }

  /** No evaluation asked for. */
  public static CrossSiteMatrix none(Integer run) {
    return new CrossSiteMatrix(run, State.NONE, null, null, null, List.of(), List.of());
  }

  /** The same matrix, said to be of run {@code id}. */
  public CrossSiteMatrix withRun(int id) {
    return new CrossSiteMatrix(id, state, requestedAt, scoringAt, doneAt, models, rows);
  }
}
