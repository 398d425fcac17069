package dev.fedlearn.client.worker;

import java.time.Duration;

/** How the worker waits between retries; tests replace it so that they do not wait. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the current thread; ends early with {@link InterruptedException} when the thread is interrupted. */
  Sleeper THREAD = d -> Thread.sleep(Math.max(0, d.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
