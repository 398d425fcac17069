package dev.fedlearn.aggregator.security;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.federation.run.Runs;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Refused requests, counted per source in windows of {@link #WINDOW}: an authenticated caller is its own source (its
 * client id, or the reader), anyone else the peer's address. The first {@link #RECORDED} of a window are recorded in
 * the run's events (live only, never stored, so they cannot fill the store or push the run's own events out of a
 * replay). An address refused more than {@code FL_MAX_REFUSALS_PER_MINUTE} times in a window (requests without
 * credentials or with wrong ones) is blocked until the window ends ({@link #blocked}): its requests are answered 429,
 * but for those of callers that had authenticated from it before the block ({@link #mayPass}). So a stranger flooding
 * from the address an honest client shares (a NAT, one machine) cannot stop that client, and cannot go on guessing
 * tokens either: during the block even a right guess is answered 429.
 */
@Component
public class Refusals {
  private static final Logger log = LoggerFactory.getLogger(Refusals.class);
  static final Duration WINDOW = Duration.ofMinutes(1);
  /** How many refusals of one source a window records as events. */
  static final int RECORDED = 10;
  /** How many sources are tracked at once; past that the oldest windows are forgotten. */
  private static final int MAX_SOURCES = 10_000;

  private final ObjectProvider<Runs> runs;
  private final LongSupplier nanoTime;
  private final int limit;
  private final Map<String, Window> sources = new ConcurrentHashMap<>();
  /** The callers that authenticated from each address while it was not blocked (at most a few per address). */
  private final Map<String, Set<String>> known = new ConcurrentHashMap<>();
  private static final int MAX_KNOWN_PER_ADDRESS = 64;

  @Autowired
  public Refusals(ObjectProvider<Runs> runs, AggregatorProperties properties) {
    this(runs, System::nanoTime, properties.maxRefusalsPerMinute());
  }

  Refusals(ObjectProvider<Runs> runs, LongSupplier nanoTime, int limit) {
    this.runs = runs;
    this.nanoTime = nanoTime;
    this.limit = limit;
  }

  /** How many refusals of one source a window takes before the source is answered 429. */
  int limit() {
    return limit;
  }

  /** One source's refusals in its current window. */
  private static final class Window {
    final long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  /**
   * Whether a request from {@code address} by {@code caller} (a client id, "reader", or null without credentials) may
   * go on: always while the address is not blocked (and the caller is then remembered for it), and during a block only
   * for a caller that had authenticated from it before.
   */
  public boolean mayPass(String address, String caller) {
    if (!blocked(address)) {
      if (caller != null) {
        if (known.size() > MAX_SOURCES) {
          known.clear();
        }
        Set<String> callers = known.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet());
        if (callers.size() < MAX_KNOWN_PER_ADDRESS) {
          callers.add(caller);
        }
      }
      return true;
    }
    return caller != null && known.getOrDefault(address, Set.of()).contains(caller);
  }

  /** Whether requests from {@code address} were refused more than {@link #limit} times in its window. */
  public boolean blocked(String address) {
    Window w = sources.get(address);
    return w != null && nanoTime.getAsLong() - w.start < WINDOW.toNanos() && w.count > limit;
  }

  /**
   * Counts a refused request of the API and records it in the run's events (as {@code METHOD path}, in the name of
   * the client it was authenticated as, if any) while its source is within {@link #RECORDED} in the window.
   */
  public void refused(HttpServletRequest request, int status, String reason) {
    String caller = callerId();
    boolean reader = caller == null && SecurityContextHolder.getContext().getAuthentication() instanceof Caller;
    String source = caller != null ? "client " + caller : reader ? "the reader" : request.getRemoteAddr();
    // An authenticated caller's refusals are its own: they are recorded, but never block the address it shares.
    long now = nanoTime.getAsLong();
    if (sources.size() > MAX_SOURCES) {
      sources.values().removeIf(w -> now - w.start >= WINDOW.toNanos());
    }
    Window w = sources.compute(source, (s, old) -> {
      Window current = old == null || now - old.start >= WINDOW.toNanos() ? new Window(now) : old;
      current.count++;
      return current;
    });
    int count = w.count;
    if (count == RECORDED + 1) {
      log.warn("{} refused requests from {} within {} s: further ones are not recorded in this window", RECORDED,
          source, WINDOW.toSeconds());
    }
    Runs kept = runs.getIfAvailable();
    if (count <= RECORDED && kept != null && request.getRequestURI().startsWith("/api/")) {
      kept.current().events().refused(request.getMethod() + " " + request.getRequestURI(), caller, status, reason);
    }
  }

  private static String callerId() {
    return SecurityContextHolder.getContext().getAuthentication() instanceof Caller c ? c.clientId() : null;
  }
}
