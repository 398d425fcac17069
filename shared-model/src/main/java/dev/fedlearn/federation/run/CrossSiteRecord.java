package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.CrossSiteMatrix;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.CrossSiteStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A completed run's cross-site evaluation in the run's record ({@link RunLedger#crossSite}): when it was asked for,
 * when its scoring began and when it was done, the local models collected (by client id, in site order; their weights
 * dropped once it is done), and the clients' rows. It holds no lock and writes nothing: {@link CrossSiteEvaluation}
 * changes it under the run's lock, after the store has the change.
 */
final class CrossSiteRecord {
  final Instant requestedAt;
  Instant scoringAt; // null while it collects the local models
  Instant doneAt; // null until every row is in or the scoring's deadline passed
  /** The collected local models by client id: the columns after the global model. Weights null once done. */
  final Map<String, float[]> models = new TreeMap<>();
  /** The clients' rows by client id: one accuracy per column, the global model first. */
  final Map<String, CrossSiteScores> rows = new TreeMap<>();

  CrossSiteRecord(Instant requestedAt) {
    this.requestedAt = requestedAt;
  }

  /** The record the store kept. */
  static CrossSiteRecord restore(RunStore.StoredCrossSite s) {
    CrossSiteRecord r = new CrossSiteRecord(s.requestedAt());
    r.scoringAt = s.scoringAt();
    r.doneAt = s.doneAt();
    s.models().forEach(m -> r.models.put(m.clientId(), r.doneAt == null ? m.weights() : null));
    s.rows().forEach(row -> r.rows.put(row.clientId(), new CrossSiteScores(row.clientId(), row.numSamples(),
        row.accuracy(), null)));
    return r;
  }

  CrossSiteMatrix.State state() {
    return doneAt != null ? CrossSiteMatrix.State.DONE : scoringAt != null ? CrossSiteMatrix.State.SCORING
        : CrossSiteMatrix.State.COLLECTING;
  }

  /** Where client {@code clientId} stands (null: a caller that did not say who it is, told the evaluation's step). */
  CrossSiteStep step(String clientId) {
    if (doneAt != null) {
      return CrossSiteStep.DONE;
    }
    if (scoringAt == null) {
      return clientId != null && models.containsKey(clientId) ? CrossSiteStep.WAIT : CrossSiteStep.UPLOAD;
    }
    return clientId != null && rows.containsKey(clientId) ? CrossSiteStep.DONE : CrossSiteStep.SCORE;
  }

  /** The columns' names: the global model, then the collected local models in site order. */
  List<String> columns() {
    List<String> names = new ArrayList<>(List.of(CrossSiteModels.GLOBAL));
    names.addAll(models.keySet());
    return names;
  }

  /**
   * The matrix over {@code sites} (the run's registered clients, in site order): a column for the global model and
   * one per site, a row per site, null where a site has not scored or its model was not collected.
   */
  CrossSiteMatrix matrix(List<String> sites) {
    List<String> names = new ArrayList<>(List.of(CrossSiteModels.GLOBAL));
    names.addAll(sites);
    List<String> columns = columns();
    int[] at = columns.stream().mapToInt(names::indexOf).toArray(); // each column's place among the names
    List<CrossSiteMatrix.Row> table = new ArrayList<>();
    for (String site : sites) {
      CrossSiteScores s = rows.get(site);
      List<Double> cells = new ArrayList<>(Collections.nCopies(names.size(), (Double) null));
      if (s != null) {
        for (int k = 0; k < columns.size(); k++) {
          cells.set(at[k], s.accuracy().get(k));
        }
      }
      table.add(new CrossSiteMatrix.Row(site, s == null ? null : s.numSamples(), cells));
    }
    return new CrossSiteMatrix(null, state(), requestedAt, scoringAt, doneAt, names, table);
  }
}
