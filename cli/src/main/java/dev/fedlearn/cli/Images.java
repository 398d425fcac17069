package dev.fedlearn.cli;

import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Idx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The images {@code fl evaluate} and {@code fl predict} score, 784 pixels 0..255 each: an idx file of images (MNIST's
 * own form), or a CSV with or without a label column ({@link #CSV_RULE}). Every problem with a file is a
 * {@link DataException} naming it, so that it exits 1.
 */
final class Images {
  /** How a CSV is read, as the commands' help says it. */
  static final String CSV_RULE = "A CSV (plain or .gz) has one image a line: 785 columns are a label 0..9 then 784 "
      + "pixels 0..255 (the CSV fl shards writes), 784 columns are the pixels alone. A first line with a field that "
      + "is not a whole number is a header and is skipped.";

  /** Images read and whether they came with their labels (without, every label is 0). */
  record Read(Dataset data, boolean labelled) {}

  private Images() {}

  /** An idx file of unsigned-byte images of 784 pixels (N x 28 x 28, or N x 784), plain or gzip-compressed. */
  static Dataset idx(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new DataException(file + ": a folder, not a file");
    }
    Idx.Tensor t = Idx.read(file, null);
    if (t.dims().length < 2 || t.itemSize() != Dataset.MNIST_PIXELS) {
      throw new DataException(file + ": idx data of shape " + Arrays.toString(t.dims()) + ", not images of "
          + Dataset.MNIST_PIXELS + " pixels (N x 28 x 28)");
    }
    return new Dataset(t.data(), new byte[t.dims()[0]], Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES);
  }

  /** A CSV of images, with or without a label column, as {@link #CSV_RULE} says. */
  static Read csv(Path file) throws IOException {
    boolean gzip = Inputs.textFile(file);
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    int columns = -1;
    try (Reader reader = new InputStreamReader(Idx.openMaybeGzip(file), StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(CSVFormat.DEFAULT).get()) {
      byte[] row = new byte[Dataset.MNIST_PIXELS];
      for (CSVRecord rec : parser) {
        long line = rec.getRecordNumber();
        if (columns < 0) {
          columns = columns(file, line, rec.size());
          if (line == 1 && isHeader(rec)) {
            continue;
          }
        } else if (rec.size() != columns) {
          throw new DataException(file + ": line " + line + " has " + rec.size() + " columns, line 1 has " + columns);
        }
        int first = columns - Dataset.MNIST_PIXELS;
        labels.write(first == 1 ? parse(file, line, rec.get(0), Dataset.MNIST_CLASSES - 1, "label") : 0);
        for (int j = 0; j < Dataset.MNIST_PIXELS; j++) {
          row[j] = (byte) parse(file, line, rec.get(first + j), 255, "pixel");
        }
        pixels.write(row);
      }
    } catch (DataException e) {
      throw e;
    } catch (IOException | UncheckedIOException e) {
      throw new DataException(file + ": " + (gzip ? "corrupt gzip data" : "unreadable") + " (" + Main.describe(e)
          + ")", e);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new DataException(file + ": not readable as CSV (" + e.getMessage() + ")", e);
    }
    if (labels.size() == 0) {
      throw new DataException(file + ": no images");
    }
    return new Read(new Dataset(pixels.toByteArray(), labels.toByteArray(), Dataset.MNIST_PIXELS,
        Dataset.MNIST_CLASSES), columns == Dataset.MNIST_PIXELS + 1);
  }

  /** The first line's column count, which must be 785 (a label, then the pixels) or 784 (the pixels). */
  private static int columns(Path file, long line, int count) throws DataException {
    if (count != Dataset.MNIST_PIXELS && count != Dataset.MNIST_PIXELS + 1) {
      throw new DataException(file + ": line " + line + " has " + count + " columns, expected " + (Dataset.MNIST_PIXELS
          + 1) + " (a label, then " + Dataset.MNIST_PIXELS + " pixels) or " + Dataset.MNIST_PIXELS + " (the pixels)");
    }
    return count;
  }

  /** Whether a record has a field that is not a whole number: the header line. */
  private static boolean isHeader(CSVRecord rec) {
    for (String field : rec) {
      if (!field.strip().matches("[+-]?\\d+")) {
        return true;
      }
    }
    return false;
  }

  /** A whole number 0..max, or a {@link DataException} naming the line and the field. */
  private static int parse(Path file, long line, String text, int max, String what) throws DataException {
    int v;
    try {
      v = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new DataException(file + ": line " + line + ": " + what + " '" + text + "' is not a whole number");
    }
    if (v < 0 || v > max) {
      throw new DataException(file + ": line " + line + ": " + what + " " + v + " is not in 0.." + max);
    }
    return v;
  }
}
