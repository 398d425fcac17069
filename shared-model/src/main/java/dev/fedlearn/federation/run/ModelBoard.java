package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where long polls wait for news: the run posts its current global model after every change of the model or of the
 * run's state, and a poller that has seen round {@code after} gets a future completed once the run trains a newer
 * model or is over, or with the model as it is when its wait runs out. No thread waits: each poll is a future. Pollers
 * wait on this board's own monitor, never on the run's lock.
 */
final class ModelBoard {
  private record Waiter(int after, CompletableFuture<GlobalModel> answer) {}

  private GlobalModel current;
  private final List<Waiter> waiters = new ArrayList<>();

  ModelBoard(GlobalModel initial) {
    this.current = initial;
  }

  void post(GlobalModel model) {
    List<Waiter> due = new ArrayList<>();
    synchronized (this) {
      current = model;
      for (Iterator<Waiter> i = waiters.iterator(); i.hasNext(); ) {
        Waiter w = i.next();
        if (w.answer.isDone() || isNews(model, w.after)) {
          i.remove();
          due.add(w);
        }
      }
    }
    due.forEach(w -> w.answer.complete(model)); // outside the monitor: completions run the pollers' next stages
  }

  /** Answers every waiting poll now with the model as it is (the aggregator is stopping). */
  void releaseAll() {
    List<Waiter> due;
    synchronized (this) {
      due = new ArrayList<>(waiters);
      waiters.clear();
    }
    due.forEach(w -> w.answer.complete(current));
  }

  /** The posted model once it is news after round {@code after}, or as it is when {@code wait} runs out. */
  CompletableFuture<GlobalModel> await(int after, Duration wait) {
    CompletableFuture<GlobalModel> answer = new CompletableFuture<>();
    synchronized (this) {
      if (isNews(current, after) || wait.isZero()) {
        return CompletableFuture.completedFuture(current);
      }
      waiters.add(new Waiter(after, answer));
    }
    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      GlobalModel now;
      synchronized (this) {
        now = current;
        waiters.removeIf(w -> w.answer == answer);
      }
      answer.complete(now);
    });
    return answer;
  }

  static boolean isNews(GlobalModel m, int after) {
    return m.state() == RunState.COMPLETED || m.state() == RunState.FAILED || m.state() == RunState.STOPPED
        || (m.state() == RunState.TRAINING && m.round() > after);
  }
}
