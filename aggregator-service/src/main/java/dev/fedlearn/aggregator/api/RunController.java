package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.aggregator.security.ClientIdentity;
import dev.fedlearn.aggregator.security.ClientTokens;
import dev.fedlearn.aggregator.tls.TlsProperties;
import dev.fedlearn.protocol.ClientRegistration;
import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.EvaluationReport;
import dev.fedlearn.protocol.PersonalizedReport;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The current run's REST API (the run {@link Runs} serves now; each answer says which, as {@code run}). It accepts
 * models and figures only: there is no endpoint for samples, images or labels.
 */
@RestController
@RequestMapping("/api/v1")
class RunController {
  private final Runs runs;
  private final AggregatorProperties properties;
  private final ClientTokens tokens;

  private final TlsProperties.ClientAuth certificates;
  private final ClientIdentity identity;
  private final Waits waits;

  RunController(Runs runs, AggregatorProperties properties, ClientTokens tokens, TlsProperties tls,
      ClientIdentity identity, Waits waits) {
    this.runs = runs;
    this.properties = properties;
    this.tokens = tokens;
    this.certificates = tls.clientAuth();
    this.identity = identity;
    this.waits = waits;
  }

  /** The status of run {@code id} with the way clients authenticate. */
  private RunStatus shown(int id, RunStatus s) {
    return s.withRun(id).withAuthentication(switch (certificates) {
      case NEED -> "certificates";
      case WANT -> tokens.open() ? "certificates" : "tokens or certificates";
      case NONE -> tokens.mode();
    });
  }

  @Operation(summary = "Where the run stands")
  @GetMapping("/status")
  RunStatus status() {
    Runs.Served served = runs.served();
    return shown(served.id(), served.run().status());
  }

  @Operation(summary = "Register a client", description = "Registering again with the same id is harmless.")
  @PostMapping("/clients")
  RunStatus register(@RequestBody ClientRegistration registration) {
    identity.actAs(registration == null ? null : registration.clientId());
    Runs.Served served = runs.served();
    return shown(served.id(), served.run().register(registration));
  }

  @Operation(summary = "The current global model and the plan for the next round",
      description = "Long poll: with after=N the answer is held (up to wait seconds, at most fl.max-poll-wait) "
          + "until the run is training and the model has been through more than N rounds, or the run is over; "
          + "then the current model is returned as it is. Clients poll with the round they have seen. JSON by "
          + "default; with Accept: application/octet-stream, the safetensors layout (a JSON header with each "
          + "layer's F32 weight [out, in] and bias [out] and the other fields as __metadata__ strings, then "
          + "little-endian float32 data).")
  @GetMapping(path = "/model", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
  CompletableFuture<GlobalModel> model(
      @Parameter(description = "the last round the caller has seen; -1 for none") @RequestParam(defaultValue = "-1")
      int after,
      @Parameter(description = "seconds to hold the request") @RequestParam(defaultValue = "0") int wait,
      @Parameter(description = "the calling client: the answer then says whether it already sent its update for "
          + "the next round (submitted) and scored this model (evaluated)") @RequestParam(required = false)
      String clientId) {
    String caller = identity.actAs(clientId);
    Duration hold = hold(wait, properties.maxPollWait());
    Runs.Served served = runs.served();
    if (hold.isZero()) {
      return served.run().awaitModel(after, hold, caller).thenApply(m -> m.withRun(served.id()));
    }
    waits.acquire(caller);
    return served.run().awaitModel(after, hold, caller).thenApply(m -> m.withRun(served.id()))
        .whenComplete((m, e) -> waits.release(caller));
  }

  /** How long to hold a long poll that asks for {@code wait} seconds: at most {@code max}. */
  static Duration hold(int wait, Duration max) {
    if (wait < 0) {
      throw Refusal.invalid("wait must be 0 or more seconds, got " + wait);
    }
    Duration hold = Duration.ofSeconds(wait);
    return hold.compareTo(max) > 0 ? max : hold;
  }

  @Operation(summary = "A client's trained weights for a round",
      description = "202 when accepted; 409 for a round that is not open or a second update; 400 for weights of "
          + "the wrong shape or with NaN or infinite values; 404 for an unknown client. The body is JSON or, as "
          + "application/octet-stream, the safetensors layout of GET /model with metadata clientId, numSamples, "
          + "trainLoss, trainAccuracy and format fedlearn.client-update.")
  @PostMapping(path = "/rounds/{round}/updates",
      consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
  @ResponseStatus(HttpStatus.ACCEPTED)
  RunStatus update(@PathVariable int round, @RequestBody ClientUpdate update) {
    identity.actAs(update == null ? null : update.clientId());
    Runs.Served served = runs.served();
    return shown(served.id(), served.run().submitUpdate(round, update));
  }

  @Operation(summary = "A client's score of a round's global model on its local test split")
  @PostMapping("/rounds/{round}/evaluations")
  @ResponseStatus(HttpStatus.ACCEPTED)
  RunStatus evaluation(@PathVariable int round, @RequestBody EvaluationReport report) {
    identity.actAs(report == null ? null : report.clientId());
    Runs.Served served = runs.served();
    return shown(served.id(), served.run().submitEvaluation(round, report));
  }

  @Operation(summary = "A client's personalization of the completed run's final global model",
      description = "Its score after fine-tuning the final model on its own training split, beside the global "
          + "model's on the same local test samples (FL_PERSONALIZE_EPOCHS on the client). 202 when accepted; 409 "
          + "before the run completed, for another round than its last, a second report, or a private run; 400 for "
          + "figures no scoring gives; 404 for an unknown client.")
  @PostMapping("/rounds/{round}/personalized")
  @ResponseStatus(HttpStatus.ACCEPTED)
  RunStatus personalized(@PathVariable int round, @RequestBody PersonalizedReport report) {
    identity.actAs(report == null ? null : report.clientId());
    Runs.Served served = runs.served();
    if (report != null && report.run() != null && report.run() != served.id()) {
      throw Refusal.conflict("Another run", "this report is for run " + report.run() + ", but the aggregator serves "
          + "run " + served.id() + " now: a personalization is taken only while its run is the one served");
    }
    return shown(served.id(), served.run().submitPersonalized(round, report));
  }

  @Operation(summary = "The clients' personalization reports of the served run, by client id")
  @GetMapping("/personalized")
  List<PersonalizedReport> personalized() {
    return runs.current().personalized();
  }

  @Operation(summary = "Every round so far, oldest first")
  @GetMapping("/rounds")
  List<RoundView> rounds() {
    return runs.current().rounds();
  }

  @Operation(summary = "One round")
  @GetMapping("/rounds/{round}")
  RoundView round(@PathVariable int round) {
    return runs.current().round(round);
  }
}
