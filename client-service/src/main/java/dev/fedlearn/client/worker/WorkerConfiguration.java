package dev.fedlearn.client.worker;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.aggregator.AggregatorClient;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.client.status.StatusTracker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  @Bean
  FederatedClient federatedClient(AggregatorClient aggregator, LocalData data, StatusTracker tracker,
      ClientProperties properties, ObjectProvider<TrainingListener> listener) {
    return new FederatedClient(aggregator, data, tracker, properties, Sleeper.THREAD,
        listener.getIfAvailable(() -> TrainingListener.NONE));
  }
}
