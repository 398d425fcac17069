package dev.fedlearn.aggregator.api;

import dev.fedlearn.federation.run.Runs;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * A graceful stop within Docker's grace period: the web server's graceful shutdown waits for active requests, and
 * long polls and event streams are active until their wait ends (up to a minute, or 30 for a stream). This stops
 * first (the highest phase), answering every waiting poll with the model as it is and ending every event stream, so
 * that the server has nothing left to wait for; the clients poll again and find the aggregator gone or back.
 */
@Component
class PollRelease implements SmartLifecycle {
  private final Runs runs;
  private final EventStreamController streams;
  private volatile boolean running;

  PollRelease(Runs runs, EventStreamController streams) {
    this.runs = runs;
    this.streams = streams;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    runs.releasePolls();
    streams.endAll();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE; // before the web server's graceful shutdown
  }
}
