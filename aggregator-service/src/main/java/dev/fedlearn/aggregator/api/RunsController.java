package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.run.PastRun;
import dev.fedlearn.federation.run.RoundView;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.federation.run.RunSummary;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.Refusal;
import dev.fedlearn.protocol.RunStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.protocol.RunState;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every run the aggregator keeps, each with its own status, rounds, model, events and workbook: the current run's
 * from its coordinator (as {@code /status}, {@code /rounds}, {@code /model} and {@code /metrics.xlsx} show it), the
 * others' read back from the store. New runs are submitted here and queued; a queued or going run can be stopped.
 */
@RestController
@RequestMapping("/api/v1/runs")
class RunsController {
  /** A run and where it stands (null while it is queued). */
  record RunView(RunSummary run, RunStatus status) {}

  /** Why a run is stopped. */
  record StopRequest(@Size(max = 500) String reason) {}

  private final Runs runs;
  private final WorkbookWriter writer;
  private final WorkbookBuilds builds;
  private final Validator validator;
  private final long maxParameters;
  private final JsonMapper json;

  RunsController(Runs runs, WorkbookWriter writer, WorkbookBuilds builds, Validator validator,
      AggregatorProperties properties) {
    this.runs = runs;
    this.writer = writer;
    this.builds = builds;
    this.validator = validator;
    this.maxParameters = properties.maxRequestBytes() / Float.BYTES;
    // Strict: a misspelt field is an error, not a field left out; no number is taken from text or the other way.
    this.json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
  }

  @Operation(summary = "Submit a run: it is queued and starts when the runs before it have ended",
      description = "Every field may be left out and then takes the value of the run the aggregator's environment "
          + "defines (FL_* settings). 201 with the run and its Location; 400 naming each wrong field in errors.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
          schema = @Schema(implementation = RunRequest.class))))
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<RunSummary> submit(@RequestBody JsonNode body) {
    RunRequest request = read(body);
    Map<String, String> errors = new LinkedHashMap<>();
    for (ConstraintViolation<RunRequest> v : validator.validate(request)) {
      errors.merge(v.getPropertyPath().toString(), v.getMessage(), (a, b) -> a + "; " + b);
    }
    if (!errors.isEmpty()) {
      throw new RunRequest.InvalidRun(new TreeMap<>(errors));
    }
    RunSummary run = runs.submit(request.definition(runs.environment(), maxParameters));
    return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id())).body(run);
  }

  /** The request in {@code body}; a field that is not one, or of the wrong type, is named. */
  private RunRequest read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new RunRequest.InvalidRun(Map.of("run", "the body must be a JSON object of the run's fields"));
    }
    try {
      return json.treeToValue(body, RunRequest.class);
    } catch (DatabindException e) {
      String field = e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
          : "[" + r.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
      String why = e instanceof UnrecognizedPropertyException ? "not a field of a run (the fields: rounds, clients, "
          + "localEpochs, batchSize, learningRate, momentum, l2, seed, preset, layers, strategy, fractionFit, "
          + "minFitClients, privacy, secureAggregation, sites)" : "wrong type: " + e.getOriginalMessage().lines().findFirst()
              .orElse("").replaceAll("\\s*\\(.*", "").replaceAll("`[^`]*`", "the value");
      throw new RunRequest.InvalidRun(Map.of(field.isEmpty() ? "run" : field, why));
    }
  }

  @Operation(summary = "Stop a queued or going run", description = "The run ends as STOPPED (its clients are told); "
      + "the next queued run starts. 409 for a run that has ended.")
  @PostMapping("/{id}/stop")
  RunSummary stop(@PathVariable("id") String idText, @RequestBody(required = false) @Valid StopRequest request) {
    int id = id(idText);
    String reason = request == null || request.reason() == null || request.reason().isBlank() ? "stopped on request"
        : "stopped on request: " + request.reason().strip().replaceAll("\\p{Cntrl}", " ");
    return runs.stop(id, reason);
  }

  /** A run id in its one spelling: 1 to 10 digits, no sign, no leading zero (refused with 400 otherwise). */
  static int id(String text) {
    if (text == null || !text.matches("[1-9][0-9]{0,9}")) {
      throw Refusal.invalid("a run id is a whole number from 1, written in digits, got '"
          + (text == null ? "" : text.length() > 20 ? text.substring(0, 20) + "..." : text) + "'");
    }
    long id = Long.parseLong(text);
    if (id > Integer.MAX_VALUE) {
      throw Refusal.unknown("No such run", "run " + id + " is not kept here; GET /api/v1/runs lists the runs");
    }
    return (int) id;
  }

  @Operation(summary = "Every kept run, oldest first: id, state, definition, rounds done, latest and best global "
      + "test accuracy, submitted, started and finished times")
  @GetMapping
  List<RunSummary> list() {
    return runs.list();
  }

  @Operation(summary = "One run and its status")
  @GetMapping("/{id}")
  RunView run(@Parameter(description = "the run's id") @PathVariable("id") String idText) {
    int id = id(idText);
    RunSummary run = runs.get(id);
    if (run.state().equals(RunState.QUEUED.name())) {
      return new RunView(run, null);
    }
    Optional<PastRun> past = runs.past(id);
    return new RunView(run, past.map(PastRun::status).orElseGet(() -> runs.current().status()));
  }

  @Operation(summary = "A run's rounds, oldest first")
  @GetMapping("/{id}/rounds")
  List<RoundView> rounds(@PathVariable("id") String idText) {
    int id = id(idText);
    return runs.past(id).map(PastRun::rounds).orElseGet(() -> runs.current().rounds());
  }

  @Operation(summary = "A run's last global model", description = "JSON by default; with Accept: "
      + "application/octet-stream, the safetensors layout of GET /api/v1/model.")
  @GetMapping(path = "/{id}/model", produces = {MediaType.APPLICATION_JSON_VALUE,
      MediaType.APPLICATION_OCTET_STREAM_VALUE})
  GlobalModel model(@PathVariable("id") String idText) {
    int id = id(idText);
    return runs.past(id).map(PastRun::model)
        .orElseGet(() -> runs.current().awaitModel(-1, Duration.ZERO).join());
  }

  @Operation(summary = "A run's events, oldest first")
  @GetMapping("/{id}/events")
  List<RunEvent> events(@PathVariable("id") String idText) {
    int id = id(idText);
    return runs.past(id).map(PastRun::events).orElseGet(() -> runs.current().events().all());
  }

  @Operation(summary = "A run's workbook: its rounds, clients' results, evaluations, settings and weights")
  @GetMapping("/{id}/metrics.xlsx")
  ResponseEntity<byte[]> workbook(@PathVariable("id") String idText) throws IOException {
    int id = id(idText);
    Optional<PastRun> past = runs.past(id);
    return builds.attachment("fedlearn-run-" + id + ".xlsx", () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      if (past.isPresent()) {
        writer.write(past.get().snapshot(), past.get().events(), out);
      } else {
        RunCoordinator current = runs.current();
        writer.write(current, out);
      }
      return out.toByteArray();
    });
  }
}
