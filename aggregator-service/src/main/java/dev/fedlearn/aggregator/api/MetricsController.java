package dev.fedlearn.aggregator.api;

import dev.fedlearn.aggregator.metrics.WorkbookWriter;
import dev.fedlearn.federation.run.Runs;
import io.swagger.v3.oas.annotations.Operation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The run's metrics as an Excel workbook. */
@RestController
@RequestMapping("/api/v1")
class MetricsController {
  private final Runs runs;
  private final WorkbookWriter writer;
  private final WorkbookBuilds builds;

  MetricsController(Runs runs, WorkbookWriter writer, WorkbookBuilds builds) {
    this.runs = runs;
    this.writer = writer;
    this.builds = builds;
  }

  @Operation(summary = "Every round, client result, evaluation, setting and weight as an Excel workbook")
  @GetMapping("/metrics.xlsx")
  ResponseEntity<byte[]> workbook() throws IOException {
    return builds.attachment("fedlearn-metrics.xlsx", () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      writer.write(runs.current(), out);
      return out.toByteArray();
    });
  }
}
