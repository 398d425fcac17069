package dev.fedlearn.federation.run;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened in the run, as the event stream and the workbook's Events sheet show it.
 *
 * @param type what kind of event ({@link Type#id()})
 * @param round the round it concerns, null for none
 * @param clientId the client it concerns, null for none
 * @param detail one line saying what happened; for a refused request, the request and the reason
 * @param figures the numbers that go with it (an aggregation's accuracy and loss, an update's training figures, an
 *     evaluation's score), by name; empty for none. Sent on the stream, not stored: the rounds hold them.
 */
public record RunEvent(Instant at, String type, Integer round, String clientId, String detail,
    Map<String, Double> figures) {

  public RunEvent {
    figures = figures == null ? Map.of() : Map.copyOf(figures);
  }

  /** The kinds of event. */
  public enum Type {
    /** A client registered. */
    REGISTERED("registered"),
    /** A round opened. */
    OPENED("opened"),
    /** A client's update was accepted. */
    UPDATE("update"),
    /** A client's score of a global model was accepted. */
    EVALUATION("evaluation"),
    /** A round was aggregated into a new global model. */
    AGGREGATED("aggregated"),
    /** A round's deadline passed. */
    DEADLINE("deadline"),
    /** The run's state changed (waiting, completed, failed). */
    STATE("state"),
    /** The aggregator started on a stored run. */
    RESTARTED("restarted"),
    /** A request was refused. */
    REFUSED("refused"),
    /** A step of secure aggregation closed, or its session was abandoned. */
    SECAGG("secagg"),
    /** A step of the completed run's cross-site evaluation: asked for, a model or a row in, scoring, done. */
    CROSS_SITE("cross-site");

    private final String id;

    Type(String id) {
      this.id = id;
    }

    /** The name used on the stream and in the workbook. */
    public String id() {
      return id;
    }
  }
}
