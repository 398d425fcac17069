package dev.fedlearn.aggregator.config;

import dev.fedlearn.federation.run.RunCoordinator;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Looks at the open round's deadline twice a second (see {@link RunCoordinator#tick()}). */
@Configuration
@EnableScheduling
class RoundDeadlines {
  private final RunCoordinator run;

  RoundDeadlines(RunCoordinator run) {
    this.run = run;
  }

  @Scheduled(fixedDelay = 500)
  void tick() {
    run.tick();
  }
}
