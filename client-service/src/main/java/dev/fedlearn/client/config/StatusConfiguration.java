package dev.fedlearn.client.config;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.client.worker.ClientStatus;
import dev.fedlearn.client.worker.StatusTracker;
import dev.fedlearn.engine.nn.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StatusConfiguration {
  private static final Logger log = LoggerFactory.getLogger(StatusConfiguration.class);

  @Bean
  StatusTracker statusTracker(ClientProperties properties, LocalData data) {
    String kernel = Kernels.defaultName();
    if ("scalar".equals(kernel)) {
      log.info("kernel: scalar (start the JVM with --add-modules " + Kernels.VECTOR_MODULE
          + " for the faster vector kernel; results are identical)");
    } else {
      log.info("kernel: {}", kernel);
    }
    return new StatusTracker(ClientStatus.starting(properties.clientId(), properties.aggregatorBaseUrl(),
        data.trainSize(), data.testSize(), kernel));
  }
}
