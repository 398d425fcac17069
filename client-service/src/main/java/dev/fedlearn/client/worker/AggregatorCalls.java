package dev.fedlearn.client.worker;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's retry policy for calls to the aggregator: an unreachable or failing aggregator is tried again with
 * exponential back-off (or every initial back-off while nothing listens yet), a stop request ends every wait, and a
 * refusal is the caller's to handle.
 */
final class AggregatorCalls {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);

  /** What to do when the aggregator no longer knows this client: register it again. */
  interface Registration {
    void register() throws InterruptedException;
  }

  private final AggregatorClient aggregator;
  private final StatusTracker tracker;
  private final Sleeper sleeper;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final BooleanSupplier stopRequested;

  AggregatorCalls(AggregatorClient aggregator, StatusTracker tracker, Sleeper sleeper, Duration initialBackoff,
      Duration maxBackoff, BooleanSupplier stopRequested) {
    this.aggregator = aggregator;
    this.tracker = tracker;
    this.sleeper = sleeper;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.stopRequested = stopRequested;
  }

  /** Calls the aggregator until it answers: waits and retries while it is unreachable or failing. */
  <T> T retrying(String what, Supplier<T> call) throws InterruptedException {
    Backoff backoff = backoff();
    boolean failedBefore = false;
    boolean refusedBefore = false;
    while (true) {
      checkStop();
      try {
        T answer = call.get();
        if (failedBefore) {
          log.info("the aggregator at {} answers again", aggregator.baseUrl());
        }
        return answer;
      } catch (AggregatorUnavailableException e) {
        checkStop(); // an interrupted request is no failure to report
        failedBefore = true;
        tracker.error(e.getMessage());
        if (e.refused()) {
          // Nothing listens yet (the aggregator is starting): try again every initial back-off, logged once.
          if (!refusedBefore) {
            log.warn("could not {}: {}; trying again every {} until the aggregator listens", what, e.getMessage(),
                human(initialBackoff));
          }
          refusedBefore = true;
          sleeper.sleep(initialBackoff);
          continue;
        }
        refusedBefore = false;
        Duration wait = backoff.next();
        log.warn("could not {}: {}; retrying in {}", what, e.getMessage(), human(wait));
        sleeper.sleep(wait);
      }
    }
  }

  /** Sends something without an answer, retrying as {@link #retrying} does. */
  void send(String what, Runnable call) throws InterruptedException {
    retrying(what, () -> {
      call.run();
      return null;
    });
  }

  /** Long-polls until the answer is there (a poll that ends empty is asked again). */
  <T> T awaiting(String what, Supplier<T> poll) throws InterruptedException {
    while (true) {
      T answer = retrying("wait for " + what, poll);
      if (answer != null) {
        return answer;
      }
    }
  }

  /**
   * Sends something once: retried while the aggregator is unavailable; after a 404 (the aggregator does not know
   * this client, e.g. it restarted) registers again and tries once more; a 409 or another refusal is logged and
   * accepted. Returns whether the aggregator took it.
   */
  boolean deliver(String what, Runnable call, Registration registration) throws InterruptedException {
    try {
      send(what, call);
      return true;
    } catch (AggregatorRejectedException e) {
      if (!e.isNotFound()) {
        refused(what, e);
        return false;
      }
      log.warn("could not {}: {}; registering again and trying once more", what, e.getMessage());
    }
    ClientState state = tracker.state();
    registration.register();
    tracker.state(state);
    try {
      send(what, call);
      return true;
    } catch (AggregatorRejectedException e) {
      refused(what, e);
      return false;
    }
  }

  /** Logs a refusal the client goes on after; one that is not a conflict also shows in its status. */
  void refused(String what, AggregatorRejectedException e) {
    if (e.is(dev.fedlearn.protocol.ProblemTypes.TOO_STALE)) {
      log.warn("could not {}: {}", what, e.detail());
    } else if (e.isConflict()) {
      log.warn("could not {}: {} (already sent, or the round is closed); going on", what, e.getMessage());
    } else {
      log.warn("could not {}: {}; going on", what, e.getMessage());
      tracker.error(e.getMessage());
    }
  }

  /** Backs off after an unexpected problem in the loop, which goes on afterwards. */
  void pause(Backoff backoff, String reason) throws InterruptedException {
    checkStop();
    Duration wait = backoff.next();
    tracker.error(reason);
    log.warn("{}; trying again in {}", reason, human(wait));
    sleeper.sleep(wait);
  }

  /** Waits {@code wait} for something the aggregator is about to finish, unless stopped. */
  void idle(Duration wait) throws InterruptedException {
    checkStop();
    sleeper.sleep(wait);
  }

  Backoff backoff() {
    return new Backoff(initialBackoff, maxBackoff);
  }

  void checkStop() throws InterruptedException {
    if (stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("stop requested");
    }
  }

  private static String human(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
