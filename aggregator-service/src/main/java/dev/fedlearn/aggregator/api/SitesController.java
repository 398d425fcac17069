package dev.fedlearn.aggregator.api;

import dev.fedlearn.federation.run.RunHistory;
import dev.fedlearn.federation.run.Runs;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The federation's sites: the clients that took part in its runs, as a run's {@code sites} may name them. */
@RestController
class SitesController {
  private final Runs runs;

  SitesController(Runs runs) {
    this.runs = runs;
  }

  @Operation(summary = "Every site that registered with a kept run, in the order they first did: its id, its "
      + "samples as it registered with its latest run, when it first and last registered, in how many runs, and the "
      + "latest")
  @GetMapping("/api/v1/sites")
  List<RunHistory.Site> sites() {
    return runs.sites();
  }
}
