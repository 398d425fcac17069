package dev.fedlearn.workbook;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.protocol.Confusion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A federated run as its workbook shows it, whoever ran it (the aggregator, or {@code fl simulate} in one process):
 * its settings and where it stands, its clients, its rounds with every client's training and score, the initial
 * model's score, and the global models the run kept ({@link dev.fedlearn.federation.ModelRetention}), which the
 * Weights sheet shows. Times are null where there are none (a simulation has no arrival times).
 *
 * @param state where the run stands, as one line, e.g. {@code COMPLETED after 10 of 10 rounds}
 * @param initialAccuracy the initial model's accuracy on the held-out test set (null when not scored: a table's run)
 * @param initialLoss and its loss
 * @param confusion the latest scored model's confusion counts summed over its clients, or null
 * @param personalized the clients' personalizations of the final model, by client id; empty when none
 * @param crossSite the completed run's cross-site evaluation, or null when none was asked for
 * @param models global models by round (0: the initial model)
 * @param events what happened, oldest first (registrations, updates, scores, aggregations, deadlines, restarts,
 *     refused requests); empty when nobody logged them
 */
public record RunReport(Map<String, String> settings, String state, List<Client> clients, List<Round> rounds,
    Double initialAccuracy, Double initialLoss, LayerSizes layerSizes, SortedMap<Integer, float[]> models,
    int completedRounds, List<Event> events, Confusion confusion, List<Personalized> personalized,
    CrossSite crossSite) {
  /** The setting that says who scored the global models: {@code server} (its test set) or {@code clients}. */
  public static final String SCORED_BY = "scoredBy";

  public RunReport {
    personalized = personalized == null ? List.of() : List.copyOf(personalized);
  }

  /**
   * Whether the run was asynchronous (FedBuff), its rounds the model's versions: {@code fl simulate}'s settings say
   * {@code mode=async}, the aggregator's carry {@code asynchrony.*}.
   */
  public boolean asynchronous() {
    return "async".equals(settings.get("mode")) || settings.keySet().stream().anyMatch(k -> k.startsWith("asynchrony."));
  }

  /** A run without a cross-site evaluation. */
  public RunReport(Map<String, String> settings, String state, List<Client> clients, List<Round> rounds,
      Double initialAccuracy, Double initialLoss, LayerSizes layerSizes, SortedMap<Integer, float[]> models,
      int completedRounds, List<Event> events, Confusion confusion, List<Personalized> personalized) {
    this(settings, state, clients, rounds, initialAccuracy, initialLoss, layerSizes, models, completedRounds, events,
        confusion, personalized, null);
  }

  /** The same run with its cross-site evaluation ({@code crossSite}; null: none). */
  public RunReport withCrossSite(CrossSite crossSite) {
    return new RunReport(settings, state, clients, rounds, initialAccuracy, initialLoss, layerSizes, models,
        completedRounds, events, confusion, personalized, crossSite);
  }

  /**
   * A cross-site evaluation: every site (a row) scored the final global model and every site's last local model (the
   * columns, {@code models}, the global model first) on its own test split; null where a site did not score or its
   * model was not collected.
   */
  public record CrossSite(List<String> models, List<CrossSiteRow> rows) {
    public CrossSite {
      models = List.copyOf(models);
      rows = List.copyOf(rows);
    }
  }

  /** A site's row: the test samples it scored on (null: it did not score) and each model's accuracy. */
  public record CrossSiteRow(String site, Long testSamples, List<Double> accuracy) {
    public CrossSiteRow {
      accuracy = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(accuracy));
    }
  }

  /** A run without personalization reports. */
  public RunReport(Map<String, String> settings, String state, List<Client> clients, List<Round> rounds,
      Double initialAccuracy, Double initialLoss, LayerSizes layerSizes, SortedMap<Integer, float[]> models,
      int completedRounds, List<Event> events, Confusion confusion) {
    this(settings, state, clients, rounds, initialAccuracy, initialLoss, layerSizes, models, completedRounds, events,
        confusion, null);
  }

  /**
   * A client's personalization of the final model: fine-tuned {@code epochs} epochs on its own training split, scored
   * on its {@code testSamples} test samples beside the global model.
   */
  public record Personalized(String clientId, int epochs, long testSamples, double globalAccuracy, double accuracy) {}

  /** A run without confusion counts. */
  public RunReport(Map<String, String> settings, String state, List<Client> clients, List<Round> rounds,
      Double initialAccuracy, Double initialLoss, LayerSizes layerSizes, SortedMap<Integer, float[]> models,
      int completedRounds, List<Event> events) {
    this(settings, state, clients, rounds, initialAccuracy, initialLoss, layerSizes, models, completedRounds, events,
        null, null);
  }

  /** A client: its train and test samples, when it registered. */
  public record Client(String clientId, Integer trainSamples, Integer testSamples, Instant registeredAt) {}

  /**
   * A round. {@code globalTestAccuracy} is null while it is open; {@code meanClientTestAccuracy} is the clients'
   * test accuracy weighted by their test samples, null without scores; {@code epsilon} the differential privacy spent
   * after the round, null without differential privacy (or without noise: then there is no privacy to speak of).
   */
  public record Round(int round, List<String> selected, List<String> participants, Double globalTestAccuracy,
      Double globalTestLoss, Double meanClientTestAccuracy, Double durationSeconds, Instant startedAt,
      Instant endedAt, List<Training> training, List<Evaluation> evaluations, Double epsilon) {

    /** A round of a run without differential privacy. */
    public Round(int round, List<String> selected, List<String> participants, Double globalTestAccuracy,
        Double globalTestLoss, Double meanClientTestAccuracy, Double durationSeconds, Instant startedAt,
        Instant endedAt, List<Training> training, List<Evaluation> evaluations) {
      this(round, selected, participants, globalTestAccuracy, globalTestLoss, meanClientTestAccuracy, durationSeconds,
          startedAt, endedAt, training, evaluations, null);
    }
  }

  /** A client's local training in a round: the figures of its last epoch, and of every epoch (empty if not sent). */
  public record Training(String clientId, long numSamples, double trainLoss, double trainAccuracy,
      Instant receivedAt, List<Epoch> epochs) {}

  /** One local epoch: its mean training loss and accuracy. */
  public record Epoch(int epoch, double loss, double accuracy) {}

  /**
   * Something that happened in the run.
   *
   * @param type e.g. {@code registered}, {@code update}, {@code evaluation}, {@code aggregated}, {@code deadline},
   *     {@code restarted}, {@code refused}, {@code state}
   * @param round the round it concerns, null for none
   * @param clientId the client it concerns, null for none
   * @param detail one line saying what happened (for a refused request: the reason)
   */
  public record Event(Instant at, String type, Integer round, String clientId, String detail) {}

  /** A client's score of a round's global model on its local test split. */
  public record Evaluation(String clientId, long numSamples, double loss, double accuracy, Instant receivedAt) {}
}
