package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.security.ClientIdentity;
import dev.fedlearn.federation.run.CrossSiteEvaluation;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.CrossSiteMatrix;
import dev.fedlearn.protocol.CrossSiteModels;
import dev.fedlearn.protocol.CrossSiteScores;
import dev.fedlearn.protocol.Refusal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The served run's cross-site evaluation ({@link CrossSiteEvaluation}): its matrix (a read), asking for it (the admin
 * token), and the clients' part, each acting as itself: their last local models up, the models to score down, their
 * rows up. The local models travel only between the aggregator and the run's clients.
 */
@RestController
@RequestMapping("/api/v1/cross-site")
class CrossSiteController {
  private final Runs runs;
  private final ClientIdentity identity;

  CrossSiteController(Runs runs, ClientIdentity identity) {
    this.runs = runs;
    this.identity = identity;
  }

  @Operation(summary = "The served run's cross-site evaluation: where it stands and its matrix",
      description = "A column per model (the final global model, then each site's last local model, in site order), a "
          + "row per site with its test samples and its accuracy of each model on its own test split; null where a "
          + "site has not scored or its model was not collected. State NONE when none was asked for.")
  @GetMapping
  CrossSiteMatrix matrix() {
    Runs.Served served = runs.served();
    return served.run().crossSite().matrix().withRun(served.id());
  }

  @Operation(summary = "Ask for the completed run's cross-site evaluation",
      description = "Needs the admin token. 202 with the matrix (COLLECTING): the clients upload their last local "
          + "models, then score them all. 409 for a private run (secure aggregation or differential privacy: "
          + CrossSiteEvaluation.PRIVATE + "), a run that has not completed, or one whose evaluation was asked for "
          + "already.")
  @PostMapping
  @ResponseStatus(HttpStatus.ACCEPTED)
  CrossSiteMatrix request() {
    Runs.Served served = runs.served();
    return served.run().crossSite().request().withRun(served.id());
  }

  @Operation(summary = "A client's last local model, for the cross-site evaluation",
      description = "The weights it last trained, checked as an update (shape, finite, norm bound), JSON or the "
          + "safetensors layout of POST /rounds/{round}/updates. 202 when taken; 409 when no evaluation collects models "
          + "or this client's is in already; 400 for weights an update could not have; 404 for an unknown client.")
  @PostMapping(path = "/models", consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
  @ResponseStatus(HttpStatus.ACCEPTED)
  void upload(@RequestBody ClientUpdate model) {
    identity.actAs(model == null ? null : model.clientId());
    runs.current().crossSite().upload(model);
  }

  @Operation(summary = "The models a client scores for the cross-site evaluation",
      description = "To the run's clients only, while the evaluation scores: the global model first, then each "
          + "collected local model, by name. 409 before the models are collected and once the evaluation is done.")
  @GetMapping("/models")
  CrossSiteModels models(@Parameter(description = "the calling client") @RequestParam(required = false)
      String clientId) {
    String caller = identity.actAs(clientId);
    Runs.Served served = runs.served();
    return served.run().crossSite().models(caller).withRun(served.id());
  }

  @Operation(summary = "A client's row of the cross-site evaluation",
      description = "One accuracy per model of GET /cross-site/models, in its order, on the client's local test "
          + "samples; once. 202 when taken; 400 for a row of the wrong length or accuracies no scoring gives; 409 "
          + "for a second row, outside the scoring, or for another run.")
  @PostMapping("/scores")
  @ResponseStatus(HttpStatus.ACCEPTED)
  void scores(@RequestBody CrossSiteScores scores) {
    identity.actAs(scores == null ? null : scores.clientId());
    Runs.Served served = runs.served();
    if (scores != null && scores.run() != null && scores.run() != served.id()) {
      throw Refusal.conflict("Another run", "these scores are for run " + scores.run() + ", but the aggregator serves "
          + "run " + served.id() + " now");
    }
    served.run().crossSite().score(scores);
  }
}
