package dev.fedlearn.aggregator.run;

import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.TestConfiguration;

/** The run package's web beans a slice test outside the package needs. */
@TestConfiguration(proxyBeanMethods = false)
public class TestBeans {
  @Bean
  Waits waits() {
    return new Waits();
  }
}
