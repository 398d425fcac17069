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
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every run the aggregator keeps, each with its own status, rounds, model, events and workbook: the current run's
 * from its coordinator (as {@code /status}, {@code /rounds}, {@code /model} and {@code /metrics.xlsx} show it), the
 * earlier runs' read back from the store.
 */
@RestController
@RequestMapping("/api/v1/runs")
class RunsController {
  /** A run and where it stands. */
  record RunView(RunSummary run, RunStatus status) {}

  private final Runs runs;
  private final WorkbookWriter writer;
  private final WorkbookBuilds builds;

  RunsController(Runs runs, WorkbookWriter writer, WorkbookBuilds builds) {
    this.runs = runs;
    this.writer = writer;
    this.builds = builds;
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
    Optional<PastRun> past = runs.past(id);
    return new RunView(runs.get(id), past.map(PastRun::status).orElseGet(() -> runs.current().status()));
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
