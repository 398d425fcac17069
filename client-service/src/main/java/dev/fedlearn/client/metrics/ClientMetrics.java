package dev.fedlearn.client.metrics;

import dev.fedlearn.client.worker.ClientStatus;
import dev.fedlearn.client.worker.StatusTracker;
import dev.fedlearn.client.worker.TrainingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * This site's figures for monitoring, through Micrometer (Prometheus: {@code /actuator/prometheus}):
 * {@code fl_client_training_seconds} (a histogram of each round's local training), {@code fl_client_rounds_trained_total},
 * {@code fl_client_training_samples_per_second} (the last round's samples times epochs over its time) and
 * {@code fl_client_test_accuracy_ratio} (its latest score of a global model on its local test split).
 */
@Component
public class ClientMetrics implements TrainingListener {
  private final Timer training;
  private final Counter rounds;
  private final AtomicReference<Double> samplesPerSecond = new AtomicReference<>(Double.NaN);

  public ClientMetrics(MeterRegistry registry, StatusTracker tracker) {
    training = Timer.builder("fl.client.training").description("local training of a round")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(1)).register(registry);
    rounds = Counter.builder("fl.client.rounds.trained").description("rounds this client trained").register(registry);
    Gauge.builder("fl.client.training.samples.per.second", samplesPerSecond, AtomicReference::get)
        .description("the last round's local training: samples times epochs over its time").register(registry);
    Gauge.builder("fl.client.test.accuracy", tracker, t -> {
      ClientStatus s = t.snapshot();
      return s.lastTestAccuracy() == null ? Double.NaN : s.lastTestAccuracy();
    }).baseUnit("ratio").description("this site's latest score of a global model on its local test split")
        .register(registry);
  }

  @Override
  public void trained(int round, int samples, int epochs, double seconds) {
    training.record(Duration.ofNanos((long) (seconds * 1e9)));
    rounds.increment();
    if (seconds > 0) {
      samplesPerSecond.set((double) samples * epochs / seconds);
    }
  }
}
