package dev.fedlearn.client.worker;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** The client's current status: written by the worker, read by the status endpoint. Thread-safe. */
public final class StatusTracker {
  private final AtomicReference<ClientStatus> current;

  public StatusTracker(ClientStatus initial) {
    this.current = new AtomicReference<>(initial);
  }

  public ClientStatus snapshot() {
    return current.get();
  }

  public ClientStatus update(UnaryOperator<ClientStatus> change) {
    return current.updateAndGet(change);
  }

  public ClientState state() {
    return current.get().state();
  }

  public void state(ClientState state) {
    update(s -> s.withState(state));
  }

  public void error(String message) {
    update(s -> s.withError(message));
  }
}
