package dev.fedlearn.cli;

import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Idx;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The input files a command reads. Every problem with one (missing, a folder, not gzip though named .gz, binary,
 * corrupt) is a {@link DataException} whose message names the file and fits on one line, so that it exits 1.
 */
final class Inputs {
  private static final int HEAD = 512;

  private Inputs() {}

  /** A CSV of MNIST samples, plain or gzip-compressed. */
  static Dataset csv(Path file) throws IOException {
    boolean gzip = textFile(file);
    try {
      return CsvData.readMnist(file);
    } catch (DataException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DataException(file + ": " + (gzip ? "corrupt gzip data" : "unreadable") + " (" + Main.describe(e)
          + ")", e);
    }
  }

  /**
   * Checks that {@code file} is a text file, plain or gzip-compressed (when its name ends in .gz it must be), whose
   * start decompresses; returns whether it is compressed.
   */
  static boolean textFile(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new DataException(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new DataException(file + ": a folder, not a file");
    }
    byte[] magic;
    try (InputStream in = Files.newInputStream(file)) {
      magic = in.readNBytes(2);
    }
    boolean gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    if (!gzip && file.getFileName().toString().endsWith(".gz")) {
      throw new DataException(file + ": not a gzip file, though its name ends in .gz");
    }
    byte[] head;
    try (InputStream in = Idx.openMaybeGzip(file)) {
      head = in.readNBytes(HEAD);
    } catch (IOException e) {
      throw new DataException(file + ": corrupt gzip data (" + Main.describe(e) + ")", e);
    }
    if (!isText(head)) {
      throw new DataException(file + ": not a CSV text file");
    }
    return gzip;
  }

  /** The files {@code client-N.csv} or {@code client-N.csv.gz} of a folder, by N. */
  static List<Path> shardFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new DataException(dir + ": no such folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + ": not a folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().matches("client-\\d+\\.csv(\\.gz)?"))
          .sorted(Comparator.comparing(Inputs::clientNumber)).toList();
    }
    if (files.isEmpty()) {
      throw new DataException(dir + ": no client-N.csv or client-N.csv.gz files");
    }
    return files;
  }

  private static BigInteger clientNumber(Path p) {
    return new BigInteger(p.getFileName().toString().replaceAll("\\D", ""));
  }

  /** No NUL and no control bytes but tab, line feed and carriage return. */
  private static boolean isText(byte[] bytes) {
    for (byte b : bytes) {
      if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
