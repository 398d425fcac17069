package dev.fedlearn.engine.data;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Any labelled table as CSV: a header row, one column the label (any text), every other column a number. Reading
 * checks every cell and reports the first {@value #SHOWN} problems, each with its file, line and column; the rows
 * become a {@link Dataset} against a {@link TableSchema}, which fixes the columns' order and the classes. Files ending
 * in {@code .gz} are gzip-compressed.
 */
public final class CsvTable {
  /** How many problems a refusal lists. */
  static final int SHOWN = 5;

  private CsvTable() {}

  /**
   * A CSV file's rows as read: its feature columns in the file's order, their numbers row-major, and each row's label
   * as written, and each row's line in the file.
   */
  public record Rows(Path file, String label, List<String> features, float[] values, List<String> labels,
      long[] lines) {
    public Rows {
      features = List.copyOf(features);
      labels = List.copyOf(labels);
    }

    public int size() {
      return labels.size();
    }

    /** The labels that occur, each once. */
    public Set<String> classes() {
      return new LinkedHashSet<>(labels);
    }
  }

  /**
   * Reads {@code file}, its label in the column {@code labelColumn}.
   *
   * @throws DataException naming the file and its first problems: no such file, empty, no label column, a header
   *     only, a row with the wrong number of cells, a cell that is not a finite number, an empty label
   */
  public static Rows read(Path file, String labelColumn) throws IOException {
    return read(file, labelColumn, true);
  }

  /**
   * Reads {@code file}; when not {@code labelled}, the label column may be left out (each row's label is then empty,
   * and {@link #unlabelled} takes the rows).
   */
  public static Rows read(Path file, String labelColumn, boolean labelled) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setTrim(true).get();
    Problems problems = new Problems(file);
    // UTF-8, strictly: bytes that are not (a Latin-1 file) are refused rather than read as U+FFFD.
    try (Reader reader = new InputStreamReader(Idx.openMaybeGzip(file), StandardCharsets.UTF_8.newDecoder());
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
      var it = parser.iterator();
      if (!it.hasNext()) {
        throw new DataException(file + ": empty, expected a header row naming the columns");
      }
      List<String> header = new ArrayList<>(it.next().toList());
      if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) { // the byte order mark Excel's CSV UTF-8 writes
        header.set(0, header.get(0).substring(1).strip());
      }
      int labelAt = header.indexOf(labelColumn);
      if (labelAt < 0 && labelled) {
        throw new DataException(file + ": no column '" + labelColumn + "' (the label column, --label-column or "
            + "FL_LABEL_COLUMN) in the header " + shorten(header));
      }
      if (new LinkedHashSet<>(header).size() != header.size()) {
        throw new DataException(file + ": the header names a column twice: " + shorten(header));
      }
      List<String> features = new ArrayList<>(header);
      if (labelAt >= 0) {
        features.remove(labelAt);
      }
      FloatList values = new FloatList();
      List<String> labels = new ArrayList<>();
      LongList lines = new LongList();
      while (it.hasNext()) {
        CSVRecord rec = it.next();
        long line = parser.getCurrentLineNumber();
        if (rec.size() != header.size()) {
          problems.add("line " + line + " has " + rec.size() + " cells, the header " + header.size());
          continue;
        }
        if (labelAt < 0) {
          labels.add("");
          lines.add(line);
        }
        for (int c = 0; c < header.size(); c++) {
          String cell = rec.get(c);
          if (c == labelAt) {
            if (cell.isEmpty() && labelled) {
              problems.add("line " + line + ", column '" + labelColumn + "': no label");
            }
            labels.add(cell);
            lines.add(line);
          } else {
            values.add(number(cell, line, header.get(c), problems));
          }
        }
      }
      problems.throwIfAny();
      if (labels.isEmpty()) {
        throw new DataException(file + ": a header and no rows");
      }
      return new Rows(file, labelColumn, features, values.toArray(), labels, lines.toArray());
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataException(file + ": not UTF-8 text (save it as CSV UTF-8)", e);
    } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
      if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
        throw new DataException(file + ": not UTF-8 text (save it as CSV UTF-8)", e);
      }
      throw new DataException(file + ": not readable as CSV (" + e.getMessage() + ")", e);
    }
  }

  private static float number(String cell, long line, String column, Problems problems) {
    if (cell.isEmpty()) {
      problems.add("line " + line + ", column '" + column + "': an empty cell");
      return 0;
    }
    float v;
    try {
      v = Float.parseFloat(cell);
    } catch (NumberFormatException e) {
      problems.add("line " + line + ", column '" + column + "': '" + (cell.length() > 20 ? cell.substring(0, 20)
          + "..." : cell) + "' is not a number");
      return 0;
    }
    if (!Float.isFinite(v) || cell.endsWith("f") || cell.endsWith("F") || cell.endsWith("d") || cell.endsWith("D")) {
      problems.add("line " + line + ", column '" + column + "': " + cell + " is not a finite number");
      return 0;
    }
    return v;
  }

  /**
   * The schema of tables read alike: their common feature columns in the first's order and the classes that occur in
   * any, sorted (as numbers when every one is a number).
   *
   * @throws DataException when the tables' columns differ, naming the first that differs
   */
  public static TableSchema schema(List<Rows> tables) throws DataException {
    Rows first = tables.get(0);
    Set<String> classes = new LinkedHashSet<>();
    for (Rows t : tables) {
      if (!new TreeSet<>(t.features()).equals(new TreeSet<>(first.features()))) {
        throw new DataException(t.file() + ": " + columnDifference(t.features(), first.features(), first.file()
            + "'s"));
      }
      classes.addAll(t.classes());
    }
    List<String> sorted = new ArrayList<>(classes);
    boolean numeric = sorted.stream().allMatch(CsvTable::isNumber);
    sorted.sort(numeric ? Comparator.comparing(BigDecimal::new) : Comparator.naturalOrder());
    try {
      return new TableSchema(first.label(), first.features(), sorted);
    } catch (IllegalArgumentException e) {
      throw new DataException(first.file() + (tables.size() > 1 ? " and the others" : "") + ": " + e.getMessage());
    }
  }

  /**
   * The rows against {@code schema}: their columns taken in its order, their labels as its class numbers.
   *
   * @throws DataException when the columns are not the schema's, or a label is not one of its classes (the first
   *     few such rows)
   */
  public static Dataset dataset(Rows rows, TableSchema schema) throws DataException {
    Path file = rows.file();
    if (!rows.label().equals(schema.label())) {
      throw new DataException(file + ": the label column is '" + rows.label() + "', the run's '" + schema.label()
          + "'");
    }
    if (!new TreeSet<>(rows.features()).equals(new TreeSet<>(schema.features()))) {
      throw new DataException(file + ": " + columnDifference(rows.features(), schema.features(), "the run's"));
    }
    int d = schema.inputs();
    int[] from = new int[d];
    for (int j = 0; j < d; j++) {
      from[j] = rows.features().indexOf(schema.features().get(j));
    }
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < schema.classes().size(); k++) {
      index.put(schema.classes().get(k), k);
    }
    Problems problems = new Problems(file);
    float[] values = new float[rows.size() * d];
    byte[] labels = new byte[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Integer k = index.get(rows.labels().get(i));
      if (k == null) {
        problems.add("line " + rows.lines()[i] + ", column '" + schema.label() + "': '" + rows.labels().get(i)
            + "' is not one of the run's classes " + shorten(schema.classes()));
        continue;
      }
      labels[i] = (byte) (int) k;
      for (int j = 0; j < d; j++) {
        values[i * d + j] = rows.values()[i * d + from[j]];
      }
    }
    problems.throwIfAny();
    return Dataset.table(values, labels, d, schema.outputs());
  }

  /** The rows' features against {@code schema}, their labels passed over (every label 0). */
  public static Dataset unlabelled(Rows rows, TableSchema schema) throws DataException {
    return dataset(new Rows(rows.file(), schema.label(), rows.features(), rows.values(),
        java.util.Collections.nCopies(rows.size(), schema.classes().get(0)), rows.lines()), schema);
  }

  /** Reads {@code file} and takes its rows against {@code schema}. */
  public static Dataset read(Path file, TableSchema schema) throws IOException {
    return dataset(read(file, schema.label()), schema);
  }

  /** Writes a table with the schema's header (the label first) and its class names. */
  public static void write(Path file, Dataset data, TableSchema schema) throws IOException {
    if (!data.isTable() || data.dim() != schema.inputs() || data.classes() != schema.outputs()) {
      throw new IllegalArgumentException("the data does not have the schema's columns and classes");
    }
    List<String> header = new ArrayList<>();
    header.add(schema.label());
    header.addAll(schema.features());
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n')
        .get();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(w, format)) {
      Object[] row = new Object[data.dim() + 1];
      for (int i = 0; i < data.size(); i++) {
        row[0] = schema.classes().get(data.label(i));
        for (int j = 0; j < data.dim(); j++) {
          row[j + 1] = Float.toString(data.value(i, j));
        }
        printer.printRecord(row);
      }
    }
  }

  private static String columnDifference(List<String> have, List<String> want, String whose) {
    List<String> missing = new ArrayList<>(want);
    missing.removeAll(have);
    List<String> extra = new ArrayList<>(have);
    extra.removeAll(want);
    return "the feature columns are not " + whose + (missing.isEmpty() ? "" : "; missing " + shorten(missing))
        + (extra.isEmpty() ? "" : "; not expected " + shorten(extra));
  }

  private static String shorten(List<String> names) {
    return names.size() <= 8 ? names.toString()
        : names.subList(0, 8).toString().replace("]", ", ... (" + names.size() + " in all)]");
  }

  private static boolean isNumber(String s) {
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The first {@value #SHOWN} problems of a file, and how many there were. */
  private static final class Problems {
    private final Path file;
    private final List<String> shown = new ArrayList<>();
    private long count;

    Problems(Path file) {
      this.file = file;
    }

    void add(String problem) {
      if (count++ < SHOWN) {
        shown.add(problem);
      }
    }

    void throwIfAny() throws DataException {
      if (count > 0) {
        throw new DataException(file + ": " + String.join("; ", shown)
            + (count > SHOWN ? "; and " + (count - SHOWN) + " more" : ""));
      }
    }
  }

  /** A growable long array. */
  private static final class LongList {
    private long[] a = new long[256];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  /** A growable float array. */
  private static final class FloatList {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
