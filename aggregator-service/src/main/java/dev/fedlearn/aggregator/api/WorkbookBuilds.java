package dev.fedlearn.aggregator.api;

import dev.fedlearn.protocol.Refusal;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * How many workbooks are built at once: each is made in memory from a whole run (seconds and megabytes for a large
 * network), so beyond {@value #AT_ONCE} a request is refused as busy (429) instead of slowing the aggregator for its
 * clients.
 */
@Component
public class WorkbookBuilds {
  static final int AT_ONCE = 2;

  private final Semaphore builds = new Semaphore(AT_ONCE);

  /** Something that writes a workbook. */
  interface Build {
    byte[] run() throws IOException;
  }

  static final MediaType XLSX =
      MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  /** The workbook {@code build} writes, as an attachment named {@code filename}; busy as {@link #build} says. */
  ResponseEntity<byte[]> attachment(String filename, Build build) throws IOException {
    return ResponseEntity.ok()
        .contentType(XLSX)
        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
        .body(build(build));
  }

  /** Runs {@code build} if fewer than {@value #AT_ONCE} builds are under way; refuses as busy otherwise. */
  byte[] build(Build build) throws IOException {
    if (!builds.tryAcquire()) {
      throw new Refusal(Refusal.Kind.BUSY, "Too many workbooks", AT_ONCE + " workbooks are being built; ask "
          + "again in a moment");
    }
    try {
      return build.run();
    } finally {
      builds.release();
    }
  }
}
