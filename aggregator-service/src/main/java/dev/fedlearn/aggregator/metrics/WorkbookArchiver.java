package dev.fedlearn.aggregator.metrics;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.federation.run.RunCoordinator;
import dev.fedlearn.federation.run.Runs;
import dev.fedlearn.protocol.RunState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code FL_STATE_DIR/metrics.xlsx} the workbook of the latest completed run: saved when a run completes (also
 * when it completed while a stored run is restored, before this archiver exists) and saved again on every later change
 * of that run, such as the clients' scores of the final model. Saves run on a thread of their own, one at a time, and changes
 * that arrive during a save are folded into one more save. Each save is written to a temporary file and moved into
 * place, so a reader never sees half a workbook.
 */
@Component
class WorkbookArchiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkbookArchiver.class);

  private final WorkbookWriter writer;
  private final Path target;
  private final ExecutorService saver = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "workbook-archiver");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<RunCoordinator> pending = new AtomicReference<>(); // the run to save next

  @Autowired
  WorkbookArchiver(Runs runs, WorkbookWriter writer, AggregatorProperties properties) {
    this(runs, writer, properties.stateDir().resolve("metrics.xlsx"));
  }

  WorkbookArchiver(Runs runs, WorkbookWriter writer, Path target) {
    this.writer = writer;
    this.target = target.toAbsolutePath().normalize();
    runs.follow(served -> {
      RunCoordinator run = served.run();
      run.addListener(state -> changed(run, state));
      changed(run, run.status().state()); // the run may have completed before the listener was added
    });
  }

  private void changed(RunCoordinator run, RunState state) {
    if (state == RunState.COMPLETED && pending.getAndSet(run) == null) {
      saver.execute(() -> save(pending.getAndSet(null)));
    }
  }

  private void save(RunCoordinator run) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "metrics", ".xlsx.tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(run, out);
      }
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // the file system has no POSIX permissions: the default ones stay
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.info("workbook saved to {}", target);
    } catch (IOException | RuntimeException e) {
      log.error("could not save the workbook to {}: {}", target, e.toString());
    }
  }

  /** Lets a save in progress finish. */
  @Override
  public void close() throws InterruptedException {
    saver.shutdown();
    saver.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
