package dev.fedlearn.client.worker;

import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.engine.data.Features;
import dev.fedlearn.engine.nn.Evaluator;
import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.RunState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This client's part in a completed run's cross-site evaluation, the step {@code GET /model} names
 * ({@link GlobalModel#crossSite()}): it uploads its last local model (the weights it last trained in the run; none
 * after a restart, or when it never trained: its column then stays empty), and once the models are collected it
 * fetches them, scores each on its local test split and posts its row. Each step is taken at most once per run: a
 * refusal or a failure is said in the log and status and never tried again, so the client goes on to the next run.
 */
final class CrossSiteTakingPart {
  private static final Logger log = LoggerFactory.getLogger(FederatedClient.class);

  private final AggregatorClient aggregator;
  private final AggregatorCalls calls;
  private final StatusTracker tracker;
  private final LocalData data;
  private final String clientId;
  private final int threads;
  private final Supplier<ClientUpdate> local;
  private Integer run; // the run the steps taken belong to
  private boolean uploaded; // the upload was tried (taken, refused or skipped)
  private boolean scored; // the scoring was tried

  /** {@code local}: the client's last trained update of the run it took part in (null: none). */
  CrossSiteTakingPart(AggregatorClient aggregator, AggregatorCalls calls, StatusTracker tracker, LocalData data,
      String clientId, int threads, Supplier<ClientUpdate> local) {
    this.aggregator = aggregator;
    this.calls = calls;
    this.tracker = tracker;
    this.data = data;
    this.clientId = clientId;
    this.threads = threads;
    this.local = local;
  }

  /** Takes the step {@code model}, a completed run's model as the aggregator serves it to this client, asks for. */
  void follow(GlobalModel model) throws InterruptedException {
    if (model.state() != RunState.COMPLETED || model.crossSite() == null || model.plan() == null) {
      return;
    }
    if (!Objects.equals(model.run(), run)) {
      run = model.run();
      uploaded = false;
      scored = false;
    }
    try {
      switch (model.crossSite()) {
        case UPLOAD -> upload(model);
        case SCORE -> score(model);
        default -> { } // waiting for the others, or done
      }
    } catch (RuntimeException e) { // never tried again: the client goes on to the next run
      String why = "cross-site evaluation: " + Reasons.describe(e);
      log.warn(why);
      tracker.error(why);
    }
  }

  private void upload(GlobalModel model) throws InterruptedException {
    if (uploaded) {
      return;
    }
    uploaded = true;
    ClientUpdate last = local.get();
    if (last == null) {
      log.info("cross-site evaluation of {}: this client kept no local model of it (restarted since, or never "
          + "trained in it), so its column stays empty; it scores the others' models", which(model));
      return;
    }
    log.info("cross-site evaluation of {}: uploading this client's last local model", which(model));
    calls.deliver("upload the last local model for the cross-site evaluation",
        () -> aggregator.uploadLocalModel(last), () -> { });
  }

  private void score(GlobalModel model) throws InterruptedException {
    if (scored) {
      return;
    }
    scored = true;
    CrossSiteModels models;
    try {
      models = calls.retrying("fetch the cross-site evaluation's models", aggregator::crossSiteModels);
    } catch (AggregatorRejectedException e) {
      calls.refused("fetch the cross-site evaluation's models", e);
      return;
    }
    Features test = data.features(model.plan().seed(), model.plan()).test();
    if (test.size() == 0) {
      log.warn("cross-site evaluation: no local test split to score the models on; skipped");
      return;
    }
    ClientState before = tracker.state();
    tracker.state(ClientState.EVALUATING);
    List<Double> accuracy = new ArrayList<>();
    StringBuilder shown = new StringBuilder();
    try {
      LayerSizes sizes = LayerSizes.of(models.layerSizes());
      for (CrossSiteModels.Entry m : models.models()) {
        double a = Evaluator.evaluate(new Model(sizes, m.weights()), test, threads).accuracy();
        accuracy.add(a);
        shown.append(String.format(Locale.ROOT, " %s %.2f%%", m.name(), 100 * a));
      }
    } finally {
      tracker.state(before);
    }
    log.info("cross-site evaluation of {} on the {} local test samples:{}", which(model), test.size(), shown);
    CrossSiteScores row = new CrossSiteScores(clientId, test.size(), accuracy, model.run());
    calls.deliver("send the cross-site scores", () -> aggregator.submitCrossSiteScores(row), () -> { });
  }

  private static String which(GlobalModel model) {
    return model.run() == null ? "the run" : "run " + model.run();
  }
}
