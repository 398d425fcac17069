package dev.fedlearn.aggregator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.protocol.Refusal;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** At most two workbooks are built at once; a third request is refused as busy, and the next one after is taken. */
@Timeout(60)
class WorkbookBuildsTest {
  @Test
  void aThirdBuildAtOnceIsRefusedAsBusy() throws Exception {
    WorkbookBuilds builds = new WorkbookBuilds();
    CountDownLatch started = new CountDownLatch(WorkbookBuilds.AT_ONCE);
    CountDownLatch finish = new CountDownLatch(1);
    Thread[] running = new Thread[WorkbookBuilds.AT_ONCE];
    for (int i = 0; i < running.length; i++) {
      running[i] = Thread.ofVirtual().start(() -> {
        try {
          builds.build(() -> {
            started.countDown();
            try {
              finish.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new byte[1];
          });
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    started.await();
    assertThatThrownBy(() -> builds.build(() -> new byte[1])).isInstanceOf(Refusal.class)
        .satisfies(e -> assertThat(((Refusal) e).kind()).isEqualTo(Refusal.Kind.BUSY));
    finish.countDown();
    for (Thread t : running) {
      t.join();
    }
    assertThat(builds.build(() -> new byte[] {7})).containsExactly(7);
  }
}
