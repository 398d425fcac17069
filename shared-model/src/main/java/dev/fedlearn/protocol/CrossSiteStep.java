package dev.fedlearn.protocol;

/**
 * Where a client stands in a completed run's cross-site evaluation, as {@code GET /model} tells it
 * ({@link GlobalModel#crossSite()}; null when no cross-site evaluation was asked for). The evaluation first collects
 * the clients' last local models, then every client scores the global model and each collected local model on its own
 * test split ({@link CrossSiteModels}, {@link CrossSiteScores}).
 */
public enum CrossSiteStep {
  /** The evaluation collects local models and has none from this client: it uploads its last local model, if it kept one. */
  UPLOAD,
  /** The evaluation collects local models and has this client's: it waits for the others. */
  WAIT,
  /** The models are collected: this client fetches them, scores each on its test split and posts its row. */
  SCORE,
  /** This client's row is in, or the evaluation is over: nothing more to do. */
  DONE
}
