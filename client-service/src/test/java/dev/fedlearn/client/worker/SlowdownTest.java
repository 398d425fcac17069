package dev.fedlearn.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowdownTest {
  @Test
  void aSlowedClientWaitsTheRestOfItsSlowerTrainingAndFullSpeedWaitsNothing() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    long start = System.nanoTime() - 2_000_000_000L; // a training that took 2 s
    double seconds = new Slowdown(5, waits::add).hold(start);
    assertThat(waits).hasSize(1);
    assertThat(waits.get(0).toMillis()).isBetween(8000L, 8100L); // (5 - 1) x 2 s
    assertThat(seconds).isBetween(10.0, 10.1);
    waits.clear();
    assertThat(new Slowdown(1, waits::add).hold(start)).isBetween(2.0, 2.1);
    assertThat(waits).isEmpty();
    assertThatThrownBy(() -> new Slowdown(0.5, waits::add)).hasMessageContaining("1 (full speed) or more");
  }
}
