package dev.fedlearn.aggregator.metrics;

import dev.fedlearn.aggregator.config.AggregatorProperties;
import dev.fedlearn.aggregator.run.RunCoordinator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Saves the workbook to {@code FL_STATE_DIR/metrics.xlsx} when the run completes (written to a temporary file and
 * moved into place, so a reader never sees half a workbook).
 */
@Component
class WorkbookArchiver {
  private static final Logger log = LoggerFactory.getLogger(WorkbookArchiver.class);

  WorkbookArchiver(RunCoordinator run, WorkbookWriter writer, AggregatorProperties properties) {
    Path target = properties.stateDir().resolve("metrics.xlsx");
    run.onCompleted(() -> CompletableFuture.runAsync(() -> save(run, writer, target)));
  }

  private static void save(RunCoordinator run, WorkbookWriter writer, Path target) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "metrics", ".xlsx.tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(run.snapshot(), out);
      }
      try {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // the file system has no POSIX permissions: the default ones stay
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.info("workbook saved to {}", target.toAbsolutePath().normalize());
    } catch (IOException | RuntimeException e) {
      log.error("could not save the workbook to {}: {}", target.toAbsolutePath().normalize(), e.toString());
    }
  }
}
