package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.run.RoundView;
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
import dev.fedlearn.aggregator.config.AggregatorProperties;
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
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
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
    // An update of a secure run travels as base64 of int32 (about 5.4 bytes a weight) with its JSON around it.
    this.maxParameters = properties.maxRequestBytes() / 6;
    // Strict: a misspelt field is an error, not a field left out; no number is taken from text or the other way, no
    // fraction is cut to a whole number, and no field is given twice.
    this.json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
  }

  @Operation(summary = "Submit a run: it is queued and starts when the runs before it have ended",
      description = "Every field may be left out and then takes the value of the run the aggregator's environment "
          + "defines (FL_* settings). 201 with the run and its Location; 400 naming each wrong field in errors.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
          schema = @Schema(implementation = RunRequest.class))))
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<RunSummary> submit(@RequestBody(required = false) String body) {
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
  private RunRequest read(String body) {
    if (body == null || !body.strip().startsWith("{")) {
      throw new RunRequest.InvalidRun(Map.of("run", "the body must be a JSON object of the run's fields"));
    }
    try {
      return json.readValue(body, RunRequest.class);
    } catch (JacksonException e) {
      String field = e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
          : "[" + r.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
      String why = e instanceof UnrecognizedPropertyException ? "not a field of a run (the fields: rounds, clients, "
          + "localEpochs, batchSize, learningRate, momentum, l2, seed, preset, layers, strategy, fractionFit, "
          + "minFitClients, privacy, secureAggregation, sites)"
          : e instanceof InputCoercionException ? "a number out of range"
          : e instanceof StreamReadException ? "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
          : "wrong type: " + e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\(.*", "")
              .replaceAll("`[^`]*`", "the value");
      throw new RunRequest.InvalidRun(Map.of(field.isEmpty() ? "run" : field, why));
    }
  }

  @Operation(summary = "Stop a queued or going run", description = "The run ends as STOPPED (its clients are told); "
      + "the next queued run starts. 409 for a run that has ended.")
  @PostMapping("/{id}/stop")
  RunSummary stop(@PathVariable("id") String idText, @RequestBody(required = false) @Valid StopRequest request) {
    int id = id(idText);
    String reason = request == null || request.reason() == null || request.reason().isBlank() ? "stopped on request"
        : "stopped on request: " + request.reason().strip().replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ");
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
    Runs.Read r = runs.read(id);
    return new RunView(r.run(), r.current() != null ? r.current().status().withRun(id)
        : r.past() != null ? r.past().status() : null);
  }

  @Operation(summary = "A run's rounds, oldest first (none for a run that never began)")
  @GetMapping("/{id}/rounds")
  List<RoundView> rounds(@PathVariable("id") String idText) {
    Runs.Read r = runs.read(id(idText));
    return r.current() != null ? r.current().rounds() : r.past() != null ? r.past().rounds() : List.of();
  }

  @Operation(summary = "A run's last global model", description = "JSON by default; with Accept: "
      + "application/octet-stream, the safetensors layout of GET /api/v1/model. 409 for a run that never began.")
  @GetMapping(path = "/{id}/model", produces = {MediaType.APPLICATION_JSON_VALUE,
      MediaType.APPLICATION_OCTET_STREAM_VALUE})
  GlobalModel model(@PathVariable("id") String idText) {
    int id = id(idText);
    Runs.Read r = begun(runs.read(id));
    return r.current() != null ? r.current().awaitModel(-1, Duration.ZERO).join().withRun(id)
        : r.past().model().withRun(id);
  }

  @Operation(summary = "A run's events, oldest first")
  @GetMapping("/{id}/events")
  List<RunEvent> events(@PathVariable("id") String idText) {
    int id = id(idText);
    Runs.Read r = runs.read(id);
    return r.current() != null ? r.current().events().all() : r.past() != null ? r.past().events()
        : runs.storedEvents(id);
  }

  @Operation(summary = "A run's workbook: its rounds, clients' results, evaluations, settings and weights",
      description = "409 for a run that never began.")
  @GetMapping("/{id}/metrics.xlsx")
  ResponseEntity<byte[]> workbook(@PathVariable("id") String idText) throws IOException {
    int id = id(idText);
    Runs.Read r = begun(runs.read(id));
    return builds.attachment("fedlearn-run-" + id + ".xlsx", () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      if (r.past() != null) {
        writer.write(r.past().snapshot(), r.past().events(), out);
      } else {
        writer.write(r.current(), out);
      }
      return out.toByteArray();
    });
  }

  /** {@code r}, refused as a conflict when the run never began. */
  private static Runs.Read begun(Runs.Read r) {
    if (r.neverBegan()) {
      throw Refusal.conflict("Run not begun", "run " + r.run().id() + " is " + r.run().state() + " and never began: "
          + "it has no model and no workbook");
    }
    return r;
  }
}
