package dev.fedlearn.aggregator.api;

import dev.fedlearn.protocol.Refusal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests that wait (long polls of the model and of secure aggregation's steps) per caller, so that no
 * caller holds more than {@link #PER_CALLER} at once nor all callers more than {@link #TOTAL}. A waiting request holds
 * no thread (it is asynchronous); these caps bound the memory and the connections it holds. A caller is a client's id;
 * without one (an open aggregator, where anyone may act as any client), only the total counts.
 */
@org.springframework.stereotype.Component
final class Waits {
  static final int PER_CALLER = 4;
  static final int TOTAL = 2000;

  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  Waits() {
  }

  /** With the gauge {@code fl_requests_waiting}: how many requests wait now. */
  @org.springframework.beans.factory.annotation.Autowired
  Waits(io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.Gauge.builder("fl.requests.waiting", total, AtomicInteger::get)
        .description("long polls and secure aggregation waits held open").register(registry);
  }

  /** Takes a place for {@code caller}, or refuses with 429 when it, or everybody, has no place left. */
  void acquire(String caller) {
    AtomicInteger mine = caller == null ? new AtomicInteger() : open.computeIfAbsent(caller, c -> new AtomicInteger());
    if (mine.incrementAndGet() > PER_CALLER) {
      mine.decrementAndGet();
      throw new Refusal(Refusal.Kind.BUSY, "Too many waiting requests", caller + " already has "
          + PER_CALLER + " waiting requests open; wait for one to end");
    }
    if (total.incrementAndGet() > TOTAL) {
      total.decrementAndGet();
      mine.decrementAndGet();
      throw new Refusal(Refusal.Kind.BUSY, "Too many waiting requests", "the aggregator holds " + TOTAL
          + " waiting requests; try again later");
    }
  }

  /** Gives back a place taken by {@link #acquire}. */
  void release(String caller) {
    total.decrementAndGet();
    if (caller != null) {
      open.computeIfPresent(caller, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  /** How many requests wait now. */
  int open() {
    return total.get();
  }
}
