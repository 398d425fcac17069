package dev.fedlearn.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one way the end-to-end tests wait: Awaitility polls a probe until its answer satisfies a condition. An
 * {@link IOException} from the probe (a service not listening yet, or restarting) counts as "not yet"; any other
 * exception or a failed assertion inside the probe ends the wait at once. When the time is up the test fails with
 * the last answer seen. The timeouts the tests share are named here; a test's own ones are named in the test.
 */
final class Await {
  /**
   * A service process, from its start until it answers HTTP (JVM start, Flyway, the MNIST test set); a few seconds
   * on an idle machine, minutes on a loaded one (over two at a load average of 25 on two cores). A safety net: a
   * passing test waits for the answer, never for this.
   */
  static final Duration SERVICE_START = Duration.ofMinutes(5);
  /** The clients' last evaluations, which arrive just after the run has completed (a safety net). */
  static final Duration LATE_REPORTS = Duration.ofMinutes(2);
  /** A file the aggregator writes when the run completes (a safety net). */
  static final Duration FILE_WRITTEN = Duration.ofMinutes(1);
  /** How often a probe is asked, unless a wait needs finer steps. */
  static final Duration POLL = Duration.ofMillis(200);

  private Await() {}

  /**
   * Asks {@code probe} every {@code poll} until {@code done} holds for its answer, and returns that answer; fails when
   * {@code timeout} has passed, naming {@code what} and the last answer.
   */
  static <T> T until(String what, Duration timeout, Duration poll, Callable<T> probe, Predicate<? super T> done) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      return Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll)
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> {
            T answer = probe.call();
            last.set(answer);
            return answer;
          }, done::test);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + timeout + "; last answer: " + last.get(), e);
    }
  }

  /** {@link #until(String, Duration, Duration, Callable, Predicate)} at the usual {@link #POLL} interval. */
  static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
    return until(what, timeout, POLL, probe, done);
  }

  /** Waits until {@code probe} answers at all (without an {@link IOException}); returns the answer. */
  static <T> T answer(String what, Duration timeout, Callable<T> probe) {
    return until(what, timeout, probe, answer -> true);
  }
}
