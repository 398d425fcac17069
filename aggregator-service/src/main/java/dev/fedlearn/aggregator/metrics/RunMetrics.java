package dev.fedlearn.aggregator.metrics;

import dev.fedlearn.federation.run.RunEvent;
import dev.fedlearn.federation.run.Runs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The run's figures for monitoring, through Micrometer (Prometheus: {@code /actuator/prometheus}):
 * {@code fl_rounds_completed_total}, {@code fl_global_test_accuracy_ratio}, {@code fl_global_test_loss},
 * {@code fl_round_duration_seconds} (a histogram), {@code fl_updates_received_total} and
 * {@code fl_evaluations_received_total} by client, {@code fl_run} (the current run's id), {@code fl_clients_registered} and {@code fl_clients_late};
 * {@link UpdateSizeMetrics} adds {@code fl_update_size_bytes}.
 */
@Component
public class RunMetrics {
  private final MeterRegistry registry;
  private final Timer roundDuration;

  public RunMetrics(Runs runs, MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("fl.run", runs, r -> r.served().id()).description("the id of the run served now")
        .register(registry);
    // A counter that starts again from 0 with each run, as a counter does after a restart.
    FunctionCounter.builder("fl.rounds.completed", runs, r -> r.current().status().round())
        .description("rounds of the current run aggregated").register(registry);
    Gauge.builder("fl.global.test.accuracy", runs, r -> orNaN(r.current().status().latest().globalTestAccuracy()))
        .baseUnit("ratio").description("the newest global model's accuracy on the held-out test set (or the "
            + "clients' sample-weighted accuracy when the server holds none; NaN before any score)")
        .register(registry);
    Gauge.builder("fl.global.test.loss", runs, r -> orNaN(r.current().status().latest().globalTestLoss()))
        .description("the newest global model's mean cross-entropy on the held-out test set (or the clients')")
        .register(registry);
    Gauge.builder("fl.clients.registered", runs, r -> r.current().status().registeredClients())
        .description("clients registered").register(registry);
    Gauge.builder("fl.clients.late", runs, r -> r.current().lateClients())
        .description("picked clients of the open round without an update past its deadline").register(registry);
    roundDuration = Timer.builder("fl.round.duration").description("from a round's opening to its aggregation")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(1)).register(registry);
    runs.follow(served -> served.run().events().subscribe(this::counted));
  }

  /** Counts an accepted update or evaluation by client, and times an aggregated round. */
  private void counted(RunEvent event) {
    if (event.type().equals(RunEvent.Type.UPDATE.id())) {
      Counter.builder("fl.updates.received").tag("client", event.clientId()).description("updates accepted")
          .register(registry).increment();
    } else if (event.type().equals(RunEvent.Type.EVALUATION.id())) {
      Counter.builder("fl.evaluations.received").tag("client", event.clientId())
          .description("clients' scores of global models accepted").register(registry).increment();
    } else if (event.type().equals(RunEvent.Type.AGGREGATED.id())) {
      roundDuration.record(Duration.ofNanos(Math.round(event.figures().get("seconds") * 1e9)));
    }
  }

  private static double orNaN(Double score) {
    return score == null ? Double.NaN : score;
  }
}
