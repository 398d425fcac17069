package dev.fedlearn.client.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

class AggregatorUnavailableExceptionTest {

  @Test
  void aRefusedConnectionIsRefused() {
    var e = new AggregatorUnavailableException("failed", new ResourceAccessException("I/O error",
        new ConnectException("Connection refused")));
    assertThat(e.refused()).isTrue();
  }

  @Test
  void aConnectTimeoutIsNot() {
    HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
    timeout.initCause(new ConnectException("HTTP connect timed out"));
    var e = new AggregatorUnavailableException("failed", new ResourceAccessException("I/O error", timeout));
    assertThat(e.refused()).isFalse();
  }

  @Test
  void aServerErrorIsNot() {
    assertThat(new AggregatorUnavailableException("answered HTTP 503", null).refused()).isFalse();
  }
}
