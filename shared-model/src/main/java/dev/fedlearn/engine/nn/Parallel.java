package dev.fedlearn.engine.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs {@code n} independent tasks on up to {@code threads} threads and returns their results in task order. */
public final class Parallel {
  private Parallel() {}

  public static <T> List<T> map(int n, int threads, IntFunction<T> task) {
    return map(n, threads, null, task);
  }

  /** As {@link #map(int, int, IntFunction)}, starting the tasks in the given order (e.g. largest first). */
  public static <T> List<T> map(int n, int threads, int[] startOrder, IntFunction<T> task) {
    List<T> results = new ArrayList<>(n);
    if (threads <= 1 || n <= 1) {
      for (int i = 0; i < n; i++) {
        results.add(task.apply(i));
      }
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, n), r -> {
      Thread t = new Thread(r, "fl-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        futures.add(null);
      }
      for (int k = 0; k < n; k++) {
        int i = startOrder == null ? k : startOrder[k];
        futures.set(i, pool.submit(() -> task.apply(i)));
      }
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
