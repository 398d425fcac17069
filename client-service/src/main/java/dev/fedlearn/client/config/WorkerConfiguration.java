package dev.fedlearn.client.config;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.data.LocalData;
import dev.fedlearn.client.worker.AggregatorClient;
import dev.fedlearn.client.worker.FederatedClient;
import dev.fedlearn.client.worker.Sleeper;
import dev.fedlearn.client.worker.StatusTracker;
import dev.fedlearn.client.worker.TrainingListener;
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
