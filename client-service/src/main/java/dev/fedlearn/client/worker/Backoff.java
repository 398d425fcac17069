package dev.fedlearn.client.worker;

import java.time.Duration;

/** Exponential back-off: {@code initial}, then doubled after every failure up to {@code max}. Not thread-safe. */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max.compareTo(initial) < 0 ? initial : max;
    this.next = initial;
  }

  /** The wait before the next attempt; the one after will be twice as long (at most {@code max}). */
  Duration next() {
    Duration d = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return d;
  }

  void reset() {
    next = initial;
  }
}
