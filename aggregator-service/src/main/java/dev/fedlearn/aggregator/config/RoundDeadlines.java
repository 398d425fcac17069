package dev.fedlearn.aggregator.config;

import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.Runs;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Twice a second: starts the next queued run once the current one has ended ({@link Runs#advance()}), and looks at the
 * open round's deadline ({@link RunCoordinator#tick()}).
 */
@Configuration
@EnableScheduling
class RoundDeadlines {
  private final Runs runs;

  RoundDeadlines(Runs runs) {
    this.runs = runs;
  }

  @Scheduled(fixedDelay = 500)
  void tick() {
    runs.advance();
    runs.current().tick();
  }
}
