package dev.fedlearn.client.worker;

import java.time.Duration;

/**
 * A client slowed on purpose ({@code FL_CLIENT_SLOWDOWN}): after training for {@code t} seconds it waits
 * {@code (factor - 1) * t} more, so that its training takes {@code factor} times as long, as a slower site's would.
 */
record Slowdown(double factor, Sleeper sleeper) {
  Slowdown {
    if (!(factor >= 1) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("the slowdown must be 1 (full speed) or more, got " + factor);
    }
  }

  /** Waits out the slowdown of a training that started at {@code startNanos}; returns its seconds, the wait included. */
  double hold(long startNanos) throws InterruptedException {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (factor > 1) {
      sleeper.sleep(Duration.ofNanos((long) ((factor - 1) * seconds * 1e9)));
    }
    return seconds * factor;
  }
}
