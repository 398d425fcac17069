package dev.fedlearn.aggregator.metrics;

import dev.fedlearn.engine.nn.Evaluation;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.workbook.RunReport;
import dev.fedlearn.workbook.Workbook;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.springframework.stereotype.Component;

/** Writes the run as the {@link Workbook}: the coordinator's snapshot in the workbook's terms. */
@Component
public class WorkbookWriter {
  public static final String ROUNDS = Workbook.ROUNDS;
  public static final String TRAINING = Workbook.TRAINING;
  public static final String EVALUATIONS = Workbook.EVALUATIONS;
  public static final String CLIENTS = Workbook.CLIENTS;
  public static final String SETTINGS = Workbook.SETTINGS;
  public static final String WEIGHTS = Workbook.WEIGHTS;

  /** The run as it stands, with every event recorded so far. */
  public void write(RunCoordinator run, OutputStream out) throws IOException {
    write(run.snapshot(), run.events().all(), out);
  }

  public void write(RunCoordinator.Snapshot s, List<RunEvent> events, OutputStream out) throws IOException {
    Workbook.write(report(s, events), out);
  }

  static RunReport report(RunCoordinator.Snapshot s, List<RunEvent> events) {
    List<RunReport.Client> clients = s.clients().stream().map(c -> new RunReport.Client(c.clientId(),
        s.privateRun() ? null : c.trainSamples(), s.privateRun() ? null : c.testSamples(), c.registeredAt())).toList();
    List<RunReport.Round> rounds = s.rounds().stream().map(v -> round(v, s.privacy() == null || v.endedAt() == null
        ? null : s.privacy().apply(v.round()).epsilon())).toList();
    Evaluation initial = s.historyScores().get(0); // null when the server did not score it (a table's run)
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>(s.settings());
    settings.put(RunReport.SCORED_BY, s.status().latest().scoredBy());
    return new RunReport(settings, s.status().state() + " after " + s.status().round() + " of "
        + s.status().rounds() + " rounds", clients, rounds, initial == null ? null : initial.accuracy(),
        initial == null ? null : initial.loss(), s.layerSizes(), s.modelHistory(), s.historyScores().size() - 1,
        events.stream().map(e -> new RunReport.Event(e.at(), e.type(), e.round(), e.clientId(), e.detail())).toList(),
        s.status().latest().confusion(), s.personalized().stream().map(p -> new RunReport.Personalized(p.clientId(),
            p.epochs(), p.numSamples(), p.globalAccuracy(), p.accuracy())).toList())
        .withCrossSite(crossSite(s.crossSite()));
  }

  /** The cross-site evaluation's matrix in the workbook's terms; null when none was asked for. */
  private static RunReport.CrossSite crossSite(dev.fedlearn.protocol.CrossSiteMatrix m) {
    return m == null || m.state() == dev.fedlearn.protocol.CrossSiteMatrix.State.NONE ? null
        : new RunReport.CrossSite(m.models(), m.rows().stream().map(r -> new RunReport.CrossSiteRow(r.site(),
            r.testSamples(), r.accuracy())).toList());
  }

  private static RunReport.Round round(RoundView v, Double epsilon) {
    return new RunReport.Round(v.round(), v.selected(), v.participants(), v.globalTestAccuracy(), v.globalTestLoss(),
        v.meanClientTestAccuracy(), v.durationSeconds(), v.startedAt(), v.endedAt(),
        v.training().stream().map(t -> new RunReport.Training(t.clientId(), t.numSamples(), t.trainLoss(),
            t.trainAccuracy(), t.receivedAt(), t.epochs().stream().map(e -> new RunReport.Epoch(e.epoch(), e.loss(),
            e.accuracy())).toList())).toList(),
        v.evaluations().stream().map(e -> new RunReport.Evaluation(e.clientId(), e.numSamples(), e.loss(),
            e.accuracy(), e.receivedAt())).toList(), epsilon);
  }
}
