package dev.fedlearn.aggregator.api;

import dev.fedlearn.federation.run.EventJournal;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.protocol.Refusal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The run's events as a server-sent event stream: each {@link RunEvent} as it is recorded, named by its type, its
 * data the event as JSON. Events are sent from one thread of their own, in order, so the run never waits on a
 * reader; a stream that fails is dropped. A comment every {@link #HEARTBEAT} keeps idle streams open through proxies
 * and finds dead readers; a stream ends after {@link #STREAM_TIMEOUT} and the browser's {@code EventSource}
 * reconnects by itself. When the next run starts, every stream ends, and its reader reconnects to the new run's.
 */
@RestController
@RequestMapping("/api/v1")
class EventStreamController {
  static final String HEARTBEAT = "PT15S";
  static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
  /** How many streams are served at once (each is asynchronous: it holds a connection, not a thread). */
  static final int MAX_STREAMS = 512;
  /** How many streams one source (the peer's address) may hold at once, so that no one locks the others out. */
  static final int MAX_STREAMS_PER_SOURCE = 8;
  /** How long a reader that lost the stream waits before reconnecting. */
  static final Duration RECONNECT = Duration.ofSeconds(2);
  /** How many of the latest stored events a new stream starts with. */
  static final int REPLAY = 100;

  private final Map<SseEmitter, String> streams = new ConcurrentHashMap<>(); // stream -> its source
  private final AtomicLong ids = new AtomicLong();
  private volatile EventJournal journal; // the current run's
  // One thread keeps the events in order; a virtual one, as its writes wait on the readers' connections.
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("event-stream").factory());

  EventStreamController(Runs runs) {
    runs.follow(served -> {
      boolean next = journal != null;
      journal = served.run().events();
      journal.subscribe(this::publish);
      if (next) {
        sender.execute(() -> streams.keySet().forEach(SseEmitter::complete));
      }
    });
  }

  /** Ends every open stream now (the aggregator is stopping); readers reconnect when it is back. */
  void endAll() {
    streams.keySet().forEach(SseEmitter::complete);
  }

  @Operation(summary = "The run's events, live (server-sent events)",
      description = "A text/event-stream: one event per registration (registered), opened round (opened), accepted "
          + "update (update), evaluation (evaluation), aggregation (aggregated), deadline (deadline), change of the "
          + "run's state (state), restart (restarted) and refused API call (refused). A stream starts with the last "
          + "100 stored events (without id or figures; all of them are in the workbook), then a ':live' comment, "
          + "then each event as it happens, its id a sequence number. The event's name is its type, its data the "
          + "event as JSON with figures such as accuracy and loss. A comment line is sent every "
          + "15 s; the stream ends after 30 minutes (EventSource reconnects). Browsers, which cannot send the read "
          + "token as a header, may pass it as ?access_token=.",
      responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
          schema = @Schema(implementation = RunEvent.class))))
  @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(HttpServletRequest request) {
    String source = request.getRemoteAddr();
    SseEmitter stream = new SseEmitter(STREAM_TIMEOUT.toMillis());
    synchronized (streams) {
      if (streams.size() >= MAX_STREAMS) {
        throw new Refusal(Refusal.Kind.BUSY, "Too many event streams", "the aggregator serves at most "
            + MAX_STREAMS + " event streams at once; close one or try again later");
      }
      if (streams.values().stream().filter(source::equals).count() >= MAX_STREAMS_PER_SOURCE) {
        throw new Refusal(Refusal.Kind.BUSY, "Too many event streams", source + " already holds "
            + MAX_STREAMS_PER_SOURCE + " event streams; close one or try again later");
      }
      streams.put(stream, source);
    }
    stream.onCompletion(() -> streams.remove(stream));
    stream.onTimeout(() -> {
      streams.remove(stream);
      stream.complete(); // a normal end of the stream, not an error
    });
    stream.onError(e -> streams.remove(stream));
    EventJournal replayed = journal;
    sender.execute(() -> {
      send(stream, SseEmitter.event().reconnectTime(RECONNECT.toMillis()).comment("connected"));
      for (RunEvent past : replayed.recent(REPLAY)) {
        send(stream, SseEmitter.event().name(past.type()).data(past, MediaType.APPLICATION_JSON));
      }
      send(stream, SseEmitter.event().comment("live"));
    });
    return stream;
  }

  private void publish(RunEvent event) {
    long id = ids.incrementAndGet();
    sender.execute(() -> {
      for (SseEmitter stream : streams.keySet()) {
        send(stream, SseEmitter.event().id(Long.toString(id)).name(event.type()).data(event,
            MediaType.APPLICATION_JSON));
      }
    });
  }

  @Scheduled(fixedDelayString = HEARTBEAT)
  void heartbeat() {
    sender.execute(() -> {
      for (SseEmitter stream : streams.keySet()) {
        send(stream, SseEmitter.event().comment("alive"));
      }
    });
  }

  private void send(SseEmitter stream, SseEmitter.SseEventBuilder event) {
    try {
      stream.send(event);
    } catch (IOException | IllegalStateException gone) {
      streams.remove(stream);
      stream.completeWithError(gone);
    }
  }

  /** How many streams are open. */
  int open() {
    return streams.size();
  }

  /**
   * Ends every stream as the application starts to close, before the web server's graceful shutdown, which would
   * otherwise wait for them (30 s) as for any request in progress.
   */
  @EventListener(ContextClosedEvent.class)
  void close() throws InterruptedException {
    sender.execute(() -> streams.keySet().forEach(SseEmitter::complete));
    sender.shutdown();
    sender.awaitTermination(5, TimeUnit.SECONDS);
  }
}
