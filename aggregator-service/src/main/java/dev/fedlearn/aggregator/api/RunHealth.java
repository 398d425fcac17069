package dev.fedlearn.aggregator.api;

import dev.fedlearn.federation.run.Runs;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The run's part of {@code /actuator/health}: down when this aggregator serves no run (it was started with other
 * settings than its stored run's), so that compose's health check fails instead of clients joining a refused run.
 */
@Component("run")
class RunHealth implements HealthIndicator {
  private final Runs runs;

  RunHealth(Runs runs) {
    this.runs = runs;
  }

  @Override
  public Health health() {
    return runs.current().refusal().map(why -> Health.down().withDetail("reason", why).build())
        .orElseGet(() -> Health.up().build());
  }
}
