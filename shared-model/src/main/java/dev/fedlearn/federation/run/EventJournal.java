package dev.fedlearn.federation.run;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's log of events: each is written to the store (for the workbook's Events sheet, across restarts) and handed
 * to the subscribers (the event stream). Events are recorded in order, one at a time. A store that cannot take an
 * event does not stop the run: the event is logged and still handed on. Refused requests are handed on but not
 * stored ({@link #refused}).
 */
public final class EventJournal {
  private static final Logger log = LoggerFactory.getLogger(EventJournal.class);
  private static final int MAX_DETAIL = 2000;
  private static final int MAX_CLIENT_ID = 100;

  private final RunStore store;
  private final Clock clock;
  private final List<Consumer<RunEvent>> subscribers = new CopyOnWriteArrayList<>();

  EventJournal(RunStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Adds a subscriber told of every later event, in order, on the recording thread: it must be quick. */
  public void subscribe(Consumer<RunEvent> subscriber) {
    subscribers.add(subscriber);
  }

  /** Every stored event, oldest first. */
  public List<RunEvent> all() {
    return store.events();
  }

  /** The last {@code limit} stored events, oldest first. */
  public List<RunEvent> recent(int limit) {
    return store.recentEvents(limit);
  }

  synchronized void record(RunEvent.Type type, Integer round, String clientId, String detail,
      Map<String, Double> figures) {
    RunEvent event = new RunEvent(clock.instant().truncatedTo(ChronoUnit.MICROS), type.id(), round,
        clip(clientId, MAX_CLIENT_ID), clip(detail, MAX_DETAIL), figures);
    try {
      store.eventRecorded(event);
    } catch (RuntimeException e) {
      log.warn("could not store the event {}: {}", event, e.toString());
    }
    for (Consumer<RunEvent> s : subscribers) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        log.warn("an event subscriber failed: {}", e.toString());
      }
    }
  }

  void record(RunEvent.Type type, Integer round, String clientId, String detail) {
    record(type, round, clientId, detail, Map.of());
  }

  /**
   * A refused request: {@code request} as {@code METHOD path}, the client it was made for (null if none), the HTTP
   * status and the reason given. It goes to the subscribers (the live event stream) only: refusals are not stored, so
   * a caller that keeps sending bad requests can neither fill the store nor push the run's own events out of a replay
   * (the web layer also records only the first few refusals of each source a minute).
   */
  public synchronized void refused(String request, String clientId, int status, String reason) {
    RunEvent event = new RunEvent(clock.instant().truncatedTo(ChronoUnit.MICROS), RunEvent.Type.REFUSED.id(), null,
        clip(clientId, MAX_CLIENT_ID), clip(request + " refused with " + status + ": " + reason, MAX_DETAIL), Map.of());
    for (Consumer<RunEvent> s : subscribers) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        log.warn("an event subscriber failed: {}", e.toString());
      }
    }
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
