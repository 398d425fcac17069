package dev.fedlearn.client.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheMaximumAndResets() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    assertThat(new Duration[] {b.next(), b.next(), b.next(), b.next(), b.next(), b.next(), b.next()})
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10));
    b.reset();
    assertThat(b.next()).isEqualTo(Duration.ofMillis(500));
  }
}
