package dev.fedlearn.client.config;

import dev.fedlearn.client.ClientProperties;
import dev.fedlearn.client.worker.FederatedClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Starts the worker when the application is ready (unless {@code fl.auto-start=false}) and stops it on shutdown. */
@Component
class WorkerLifecycle implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

  private final FederatedClient client;
  private final boolean autoStart;

  WorkerLifecycle(FederatedClient client, ClientProperties properties) {
    this.client = client;
    this.autoStart = properties.autoStart();
  }

  @EventListener(ApplicationReadyEvent.class)
  void onReady() {
    if (autoStart) {
      client.start();
    } else {
      log.info("fl.auto-start is false: the client worker is not started");
    }
  }

  @Override
  public void destroy() {
    client.stop();
  }
}
