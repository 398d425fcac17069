package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import dev.fedlearn.protocol.RunStatus;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a client's part in a run ends (completed, failed, refused by the client, sat out), each said in its log and
 * status, and how it finds the aggregator's next run.
 */
final class RunEnds {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);

  private final AggregatorClient aggregator;
  private final StatusTracker tracker;
  private final Sleeper sleeper;
  private final Personalizing personalizing;
  private final CrossSiteTakingPart crossSite;

  /** {@code local}: the client's last trained update of the run it takes part in, for cross-site evaluation. */
  RunEnds(AggregatorClient aggregator, AggregatorCalls calls, StatusTracker tracker, Sleeper sleeper, LocalData data,
      ClientProperties properties, Supplier<ClientUpdate> local) {
    this.aggregator = aggregator;
    this.tracker = tracker;
    this.sleeper = sleeper;
    this.personalizing = new Personalizing(aggregator, calls, tracker, data, properties.clientId(),
        properties.personalize(), properties.threads());
    this.crossSite = new CrossSiteTakingPart(aggregator, calls, tracker, data, properties.clientId(),
        properties.threads(), local);
  }

  /**
   * Asks every {@link FederatedClient#NEXT_RUN_POLL} whether the aggregator serves a run other than {@code ended}
   * (null: any) that waits for clients or trains (an ended run stays ended); returns its model, or null once
   * {@code stopped}. Meanwhile it takes its part in the ended run's cross-site evaluation, when one is asked for.
   */
  GlobalModel awaitNext(Integer ended, BooleanSupplier stopped) throws InterruptedException {
    log.info("waiting for the aggregator's next run");
    while (!stopped.getAsBoolean()) {
      sleeper.sleep(FederatedClient.NEXT_RUN_POLL);
      GlobalModel model;
      try {
        model = aggregator.fetchModel(-1, 0);
      } catch (RuntimeException e) { // unreachable or refusing: the next poll asks again
        continue;
      }
      boolean another = model.run() == null || !model.run().equals(ended);
      if (another && (model.state() == RunState.WAITING_FOR_CLIENTS || model.state() == RunState.TRAINING)) {
        log.info("the aggregator serves {} ({} rounds): registering and taking part",
            model.run() == null ? "a new run" : "run " + model.run(), model.rounds());
        tracker.update(s -> s.withPersonalized(null)); // the last run's personalization is not this one's
        return model;
      }
      if (!another || model.run() == null) {
        crossSite.follow(model); // the ended run's cross-site evaluation, asked for at its end or since
      }
    }
    return null;
  }

  /**
   * Sits out the run the aggregator serves, which takes this client into no part ({@link SatOut}); returns that run's
   * id (null when unknown: the next run is then told by its state alone).
   */
  Integer sitOut(String reason) {
    Integer run;
    try {
      run = aggregator.fetchModel(-1, 0).run();
    } catch (RuntimeException e) {
      run = null;
    }
    String which = run == null ? "the run" : "run " + run;
    log.info("this client sits out {}: {}", which, reason);
    tracker.update(s -> s.withError("sat out " + which + ": " + reason));
    tracker.state(ClientState.WAITING);
    return run;
  }

  /**
   * Ends this client's part in {@code run} (null: not named), whose plan it refused: it says why, in its log and
   * status, and sends nothing more to it.
   */
  void refused(String reason, Integer run) {
    log.error("this client refuses the run{}: {}; it sends nothing more {}", run == null ? "" : " " + run, reason,
        run == null ? "and stops" : "to it and waits for the next run");
    tracker.update(s -> s.withError(reason).withState(ClientState.REFUSED));
  }

  /** The aggregator reports the run FAILED: says so, with the aggregator's reason when it gives one. */
  void failed(GlobalModel model) {
    String message = "the aggregator reports the run FAILED at round " + model.round();
    try {
      RunStatus status = aggregator.status();
      if (status.message() != null && !status.message().isBlank()) {
        message += ": " + status.message();
      }
    } catch (RuntimeException e) {
      // the reason is a nicety; the state says enough
    }
    String error = message;
    log.error("{}", error);
    tracker.update(s -> s.withError(error).withState(ClientState.ERROR));
  }

  void completed(GlobalModel model, RoundLog.Scored scored) throws InterruptedException {
    log.info(RoundLog.completed(model, scored));
    personalizing.after(model); // FL_PERSONALIZE_EPOCHS
    tracker.state(ClientState.DONE);
    crossSite.follow(model); // FL_CROSS_SITE on the aggregator: the last local model goes up at once
  }
}
