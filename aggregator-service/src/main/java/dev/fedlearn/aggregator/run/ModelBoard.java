package dev.fedlearn.aggregator.run;

import dev.fedlearn.wire.GlobalModel;
import dev.fedlearn.wire.RunState;
import java.time.Duration;

/**
 * Where long polls wait for news: the run posts its current global model after every change of the model or of the
 * run's state, and a poller that has seen round {@code after} is held until the run trains a newer model or is
 * over, or its wait runs out. Pollers wait on this board's own monitor, never on the run's lock.
 */
final class ModelBoard {
  private GlobalModel current;

  ModelBoard(GlobalModel initial) {
    this.current = initial;
  }

  synchronized void post(GlobalModel model) {
    current = model;
    notifyAll();
  }

  /** The posted model once it is news after round {@code after}, or as it is when {@code wait} runs out. */
  synchronized GlobalModel await(int after, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!isNews(current, after)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return current;
  }

  static boolean isNews(GlobalModel m, int after) {
    return m.state() == RunState.COMPLETED || m.state() == RunState.FAILED
        || (m.state() == RunState.TRAINING && m.round() > after);
  }
}
