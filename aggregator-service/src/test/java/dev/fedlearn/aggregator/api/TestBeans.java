package dev.fedlearn.aggregator.api;

import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestConfiguration;

/** The API's beans (long-poll admission) that a slice test outside the package needs. */
@TestConfiguration(proxyBeanMethods = false)
public class TestBeans {
  @Bean
  Waits waits() {
    return new Waits();
  }
}
