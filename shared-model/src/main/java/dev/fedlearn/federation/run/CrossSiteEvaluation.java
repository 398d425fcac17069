package dev.fedlearn.federation.run;

import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.CrossSiteMatrix;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A completed run's cross-site evaluation (NVIDIA FLARE's cross-site validation), as {@code fl simulate --cross-site}
 * computes it in one process: every site scores the final global model and every site's last local model on its own
 * test split. Asked for at the end of the run ({@code FL_CROSS_SITE}, {@link RunRules#crossSite}) or on request
 * ({@link #request}); never in a private run, whose promise it would break: it shows each site's local model to the
 * others. In two steps, each bounded by the round timeout: the registered clients upload their last local model
 * ({@link #upload}; checked as an update: shape, finite weights, norm bound) until every client that trained in the
 * run has, or the deadline passed;
 * then each client fetches the models ({@link #models}), scores them and posts its row ({@link #score}; once, one
 * accuracy per model), until all rows are in or the deadline passed. The clients learn where they stand from
 * {@code GET /model} ({@link dev.fedlearn.protocol.GlobalModel#crossSite()}). The local models travel only between the
 * aggregator and the run's clients; the store keeps them until the evaluation is done, then only which were in.
 * Every method holds the run's lock.
 */
public final class CrossSiteEvaluation {
  private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);
  /** Why a private run has none. */
  public static final String PRIVATE = "cross-site evaluation shows each site's local model to the others, which "
      + "secure aggregation and differential privacy exist to prevent";

  private final RunCoordinator c;
  private java.util.Set<String> trained; // the clients that trained in the run, once asked for

  CrossSiteEvaluation(RunCoordinator coordinator) {
    this.c = coordinator;
  }

  /** Asks for the completed run's cross-site evaluation; refused for a private run, one not completed, a second time. */
  public CrossSiteMatrix request() {
    synchronized (c) {
      c.serving();
      if (c.privateRun) {
        throw Refusal.conflict("Private run", PRIVATE + ": this run has " + (c.definition().secureAggregation() != null
            ? "secure aggregation" : "differential privacy"));
      }
      if (c.run.state != RunState.COMPLETED) {
        throw Refusal.conflict("Run not completed", "cross-site evaluation scores the final models of a completed "
            + "run; the run is " + c.run.state + " after round " + c.run.completed);
      }
      CrossSiteRecord x = c.run.crossSite;
      if (x != null) {
        throw Refusal.conflict("Cross-site evaluation asked for already", "the run's cross-site evaluation was asked "
            + "for at " + x.requestedAt + " and is " + x.state() + ": GET /api/v1/cross-site shows its matrix");
      }
      start("asked for");
      c.changed();
      return matrix();
    }
  }

  /** Starts the evaluation of the run that has just completed (under the run's lock), saying {@code why}. */
  void start(String why) {
    Instant now = c.now();
    c.store.crossSiteRequested(now);
    c.run.crossSite = new CrossSiteRecord(now);
    log.info("cross-site evaluation {}: the clients upload their last local models", why);
    c.events.record(RunEvent.Type.CROSS_SITE, c.run.completed, null, "cross-site evaluation " + why + ": the "
        + c.run.clients.size() + " clients upload their last local models, within " + c.rules.roundTimeout()
        .toSeconds() + " s");
    c.board.post(c.current());
  }

  /** A registered client's last local model; the last one in closes the collection. */
  public void upload(ClientUpdate u) {
    synchronized (c) {
      c.serving();
      RequestChecks.named(u);
      RunCoordinator.Client client = c.registered(u.clientId());
      CrossSiteRecord x = asked();
      if (x.scoringAt != null) {
        throw Refusal.conflict("Models collected", "the cross-site evaluation collected its models at "
            + x.scoringAt + " and takes no more" + (x.doneAt == null ? ": score them (GET /api/v1/cross-site/models)"
                : ""));
      }
      if (x.models.containsKey(u.clientId())) {
        throw Refusal.conflict("Duplicate model", "client " + u.clientId() + " already uploaded its local model");
      }
      RequestChecks.update(u, client, c.definition().layerSizes(), c.rules.maxWeightNorm(), c.training.epochs());
      Instant now = c.now();
      c.store.localModelReceived(new RunStore.StoredLocalModel(u.clientId(), u.weights(), now));
      x.models.put(u.clientId(), u.weights().clone());
      c.events.record(RunEvent.Type.CROSS_SITE, c.run.completed, u.clientId(), "client " + u.clientId()
          + " uploaded its last local model for the cross-site evaluation (" + x.models.size() + " of "
          + c.run.clients.size() + ")");
      if (x.models.keySet().containsAll(trained())) {
        beginScoring(x, now, "every local model is in");
      }
      c.changed();
    }
  }

  /** The models to score, to a registered client ({@code clientId}) while the evaluation scores. */
  public CrossSiteModels models(String clientId) {
    synchronized (c) {
      c.serving();
      if (clientId == null) {
        throw Refusal.invalid("clientId is required: the models go to the run's clients only");
      }
      c.registered(clientId);
      CrossSiteRecord x = scoring();
      List<CrossSiteModels.Entry> entries = new ArrayList<>();
      entries.add(new CrossSiteModels.Entry(CrossSiteModels.GLOBAL, c.run.global.params().clone()));
      x.models.forEach((id, w) -> entries.add(new CrossSiteModels.Entry(id, w.clone())));
      return new CrossSiteModels(null, c.definition().layerSizes().toArray(), entries);
    }
  }

  /** A registered client's row: one accuracy per model of {@link #models}, in its order, taken once. */
  public void score(CrossSiteScores s) {
    synchronized (c) {
      c.serving();
      if (s == null || s.clientId() == null) {
        throw Refusal.invalid("clientId is required");
      }
      RunCoordinator.Client client = c.registered(s.clientId());
      CrossSiteRecord x = scoring();
      if (x.rows.containsKey(s.clientId())) {
        throw Refusal.conflict("Duplicate scores", "client " + s.clientId() + " already posted its cross-site scores");
      }
      List<String> columns = x.columns();
      if (s.accuracy() == null || s.accuracy().size() != columns.size()) {
        throw Refusal.invalid("accuracy must hold one accuracy per model of GET /api/v1/cross-site/models, "
            + columns.size() + " " + columns + ", got " + (s.accuracy() == null ? "none" : s.accuracy().size()));
      }
      RequestChecks.scoredSamples(s.numSamples(), client);
      for (int k = 0; k < columns.size(); k++) {
        Double a = s.accuracy().get(k);
        if (a == null || !Personalizations.share(a, s.numSamples())) {
          throw Refusal.invalid("accuracy[" + k + "] (model " + columns.get(k) + ") must be a share of the "
              + s.numSamples() + " samples scored (in [0, 1]), got " + a);
        }
      }
      Instant now = c.now();
      c.store.crossSiteRowReceived(new RunStore.StoredCrossSiteRow(s.clientId(), s.numSamples(), s.accuracy(), now));
      x.rows.put(s.clientId(), new CrossSiteScores(s.clientId(), s.numSamples(), s.accuracy(), null));
      c.events.record(RunEvent.Type.CROSS_SITE, c.run.completed, s.clientId(), "client " + s.clientId()
          + " scored the " + columns.size() + " models of the cross-site evaluation on its " + s.numSamples()
          + " test samples: the global model " + RunCoordinator.pct(s.accuracy().get(0)));
      if (x.rows.keySet().containsAll(c.run.clients.keySet())) {
        finish(x, now, "every client's row is in");
      }
      c.changed();
    }
  }

  /** The evaluation's matrix, {@link CrossSiteMatrix.State#NONE} when none was asked for. */
  public CrossSiteMatrix matrix() {
    synchronized (c) {
      return matrix(c.run);
    }
  }

  static CrossSiteMatrix matrix(RunLedger run) {
    return run.crossSite == null ? CrossSiteMatrix.none(null)
        : run.crossSite.matrix(new ArrayList<>(run.clients.keySet()));
  }

  /** Whether an evaluation asked for is not done yet: the next run waits for it. */
  static boolean busy(RunLedger run) {
    return run.crossSite != null && run.crossSite.doneAt == null && run.state == RunState.COMPLETED;
  }

  /** At each tick (under the run's lock): a step past its deadline goes on with what came. */
  void tick() {
    CrossSiteRecord x = c.run.crossSite;
    if (!busy(c.run)) {
      return;
    }
    Instant now = c.now();
    if (x.scoringAt == null && !now.isBefore(x.requestedAt.plus(c.rules.roundTimeout()))) {
      beginScoring(x, now, "the deadline passed with " + x.models.size() + " of " + c.run.clients.size()
          + " local models");
      c.changed();
    } else if (x.scoringAt != null && !now.isBefore(x.scoringAt.plus(c.rules.roundTimeout()))) {
      finish(x, now, "the deadline passed with " + x.rows.size() + " of " + c.run.clients.size() + " rows");
      c.changed();
    }
  }

  private void beginScoring(CrossSiteRecord x, Instant now, String why) {
    c.store.crossSiteScoring(now);
    x.scoringAt = now;
    log.info("cross-site evaluation: {}; the clients score {}", why, x.columns());
    c.events.record(RunEvent.Type.CROSS_SITE, c.run.completed, null, "cross-site evaluation: " + why
        + "; the clients score " + x.columns() + " on their test splits, within " + c.rules.roundTimeout()
        .toSeconds() + " s");
    c.board.post(c.current());
  }

  private void finish(CrossSiteRecord x, Instant now, String why) {
    c.store.crossSiteDone(now);
    x.doneAt = now;
    x.models.replaceAll((id, w) -> null); // the local models are not kept past their evaluation
    log.info("cross-site evaluation done: {}", why);
    c.events.record(RunEvent.Type.CROSS_SITE, c.run.completed, null, "cross-site evaluation done: " + why);
    c.board.post(c.current());
  }

  /**
   * The clients that trained in the run (sent an update in one of its rounds): those that can have a local model. A
   * client the sampler never picked has none, and the collection does not wait for it.
   */
  private java.util.Set<String> trained() {
    if (trained == null) { // the run has completed: its rounds, and so this set, are final
      trained = new java.util.TreeSet<>();
      c.run.history.forEach(round -> trained.addAll(round.updates.keySet()));
    }
    return trained;
  }

  /** The evaluation asked for; refused when there is none (a private run never has one). */
  private CrossSiteRecord asked() {
    CrossSiteRecord x = c.run.crossSite;
    if (x == null) {
      throw Refusal.conflict("No cross-site evaluation", c.privateRun ? PRIVATE : "no cross-site evaluation was "
          + "asked for in this run (FL_CROSS_SITE, or POST /api/v1/cross-site once it completed)");
    }
    return x;
  }

  /** The evaluation while it scores; refused before and after. */
  private CrossSiteRecord scoring() {
    CrossSiteRecord x = asked();
    if (x.scoringAt == null) {
      throw Refusal.conflict("Models not collected yet", "the cross-site evaluation collects the clients' local "
          + "models until all are in, or until " + x.requestedAt.plus(c.rules.roundTimeout()));
    }
    if (x.doneAt != null) {
      throw Refusal.conflict("Cross-site evaluation over", "the cross-site evaluation was done at " + x.doneAt
          + ": GET /api/v1/cross-site shows its matrix");
    }
    return x;
  }
}
