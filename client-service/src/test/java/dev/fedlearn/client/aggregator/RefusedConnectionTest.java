package dev.fedlearn.client.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fedlearn.client.worker.AggregatorUnavailableException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

/** The transport tells a refused connection (retried at once) from the other failures. */
class RefusedConnectionTest {

  @Test
  void aRefusedConnectionIsRefused() {
    assertThat(RestAggregatorClient.connectionRefused(new ResourceAccessException("I/O error",
        new ConnectException("Connection refused")))).isTrue();
  }

  @Test
  void aConnectTimeoutIsNot() {
    HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
    timeout.initCause(new ConnectException("HTTP connect timed out"));
    assertThat(RestAggregatorClient.connectionRefused(new ResourceAccessException("I/O error", timeout))).isFalse();
  }

  @Test
  void aServerErrorIsNot() {
    assertThat(RestAggregatorClient.connectionRefused(null)).isFalse();
    assertThat(new AggregatorUnavailableException("answered HTTP 503", null).refused())
        .isFalse();
  }
}
