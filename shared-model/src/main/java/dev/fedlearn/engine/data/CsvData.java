package dev.fedlearn.engine.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * One site's data as CSV: a header {@code label,p0,...,p783}, then one row per sample, the label then the pixels
 * 0..255. Files ending in {@code .gz} are gzip-compressed (reading tells by the first bytes).
 */
public final class CsvData {
  public static final String LABEL = "label";

  private CsvData() {}

  public static void write(Path file, Dataset data) throws IOException {
    String[] header = new String[data.dim() + 1];
    header[0] = LABEL;
    for (int j = 0; j < data.dim(); j++) {
      header[j + 1] = "p" + j;
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator('\n').get();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = file.getFileName().toString().endsWith(".gz") ? gzip(raw) : raw;
        Writer w = new OutputStreamWriter(out, StandardCharsets.US_ASCII);
        CSVPrinter printer = new CSVPrinter(w, format)) {
      Object[] row = new Object[data.dim() + 1];
      for (int i = 0; i < data.size(); i++) {
        row[0] = data.label(i);
        for (int j = 0; j < data.dim(); j++) {
          row[j + 1] = data.pixel(i, j);
        }
        printer.printRecord(row);
      }
    }
  }

  private static OutputStream gzip(OutputStream raw) throws IOException {
    return new GZIPOutputStream(raw, 1 << 16) {
      {
        def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
      }
    };
  }

  /** Reads a site's CSV with {@code dim} pixel columns and labels {@code 0..classes-1}. */
  public static Dataset read(Path file, int dim, int classes) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    try (Reader reader = new InputStreamReader(Idx.openMaybeGzip(file), StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      var names = parser.getHeaderNames();
      if (names.size() != dim + 1 || !LABEL.equals(names.get(0))) {
        throw new DataException(file + ": expected a header 'label' and " + dim + " pixel columns, got "
            + names.size() + " columns" + (names.isEmpty() ? "" : " starting with '" + names.get(0) + "'"));
      }
      byte[] row = new byte[dim];
      for (CSVRecord rec : parser) {
        long line = rec.getRecordNumber() + 1;
        if (rec.size() != dim + 1) {
          throw new DataException(file + ": line " + line + " has " + rec.size() + " columns, expected " + (dim + 1));
        }
        labels.write(parseInt(file, line, rec.get(0), 0, classes - 1, "label"));
        for (int j = 0; j < dim; j++) {
          row[j] = (byte) parseInt(file, line, rec.get(j + 1), 0, 255, "pixel");
        }
        pixels.write(row);
      }
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file");
    } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      throw new DataException(file + ": not readable as CSV (" + e.getMessage() + ")", e);
    }
    return new Dataset(pixels.toByteArray(), labels.toByteArray(), dim, classes);
  }

  /**
   * Whether a CSV holds MNIST images: its first line is the header {@code label,p0,...,p783} this class writes (any
   * other CSV is a table, {@link CsvTable}).
   */
  public static boolean holdsImages(Path file) throws IOException {
    try (var r = new java.io.BufferedReader(new InputStreamReader(Idx.openMaybeGzip(file), StandardCharsets.UTF_8))) {
      String header = r.readLine();
      return header != null && header.strip().equals(MNIST_HEADER);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file");
    }
  }

  private static final String MNIST_HEADER = mnistHeader();

  private static String mnistHeader() {
    StringBuilder b = new StringBuilder(LABEL);
    for (int j = 0; j < Dataset.MNIST_PIXELS; j++) {
      b.append(",p").append(j);
    }
    return b.toString();
  }

  /** Reads an MNIST-shaped CSV (784 pixels, 10 classes). */
  public static Dataset readMnist(Path file) throws IOException {
    return read(file, Dataset.MNIST_PIXELS, Dataset.MNIST_CLASSES);
  }

  private static int parseInt(Path file, long line, String text, int min, int max, String what)
      throws DataException {
    int v;
    try {
      v = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new DataException(file + ": line " + line + ": " + what + " '" + text + "' is not a whole number");
    }
    if (v < min || v > max) {
      throw new DataException(file + ": line " + line + ": " + what + " " + v + " is not in " + min + ".." + max);
    }
    return v;
  }
}
