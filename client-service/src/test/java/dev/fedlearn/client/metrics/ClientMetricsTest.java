package dev.fedlearn.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.client.worker.ClientStatus;
import dev.fedlearn.client.worker.StatusTracker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientMetricsTest {
  @Test
  void eachTrainedRoundIsTimedAndItsRateKept() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StatusTracker tracker = new StatusTracker(ClientStatus.starting("client-1", "http://a", 700, 300, "vector"));
    ClientMetrics metrics = new ClientMetrics(registry, tracker);
    assertThat(registry.get("fl.client.test.accuracy").gauge().value()).as("no score yet").isNaN();

    metrics.trained(1, 700, 50, 2.0); // 700 samples * 50 epochs / 2 s
    metrics.trained(2, 700, 50, 1.0);
    assertThat(registry.get("fl.client.training").timer().count()).isEqualTo(2);
    assertThat(registry.get("fl.client.training").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
    assertThat(registry.get("fl.client.rounds.trained").counter().count()).isEqualTo(2);
    assertThat(registry.get("fl.client.training.samples.per.second").gauge().value()).isEqualTo(35_000);
  }
}
