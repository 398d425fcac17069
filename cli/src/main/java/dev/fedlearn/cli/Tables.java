package dev.fedlearn.cli;

import dev.fedlearn.engine.data.CsvTable;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Idx;
import dev.fedlearn.engine.data.TableSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tables as the commands read them: any CSV with a header and a label column, one schema for all. */
final class Tables {
  private Tables() {}

  /** Tables read with the schema they make together, by name (a shard's client id, else the file). */
  record Read(TableSchema schema, Map<String, Dataset> tables) {}

  /** Whether a CSV holds MNIST images: its header is {@code label,p0,...,p783}, as {@code fl shards} writes it. */
  static boolean holdsImages(Path file) throws IOException {
    Inputs.textFile(file);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Idx.openMaybeGzip(file),
        StandardCharsets.UTF_8))) {
      String header = r.readLine();
      return header != null && header.strip().equals(mnistHeader());
    }
  }

  private static String mnistHeader() {
    StringBuilder b = new StringBuilder("label");
    for (int j = 0; j < Dataset.MNIST_PIXELS; j++) {
      b.append(",p").append(j);
    }
    return b.toString();
  }

  /**
   * The files by name, read as tables whose label is {@code labelColumn}, against the schema they make together (or
   * {@code schema} when not null).
   */
  static Read read(Map<String, Path> files, String labelColumn, TableSchema schema) throws IOException {
    List<CsvTable.Rows> rows = new ArrayList<>();
    for (Path f : files.values()) {
      Inputs.textFile(f);
      rows.add(CsvTable.read(f, schema != null ? schema.label() : labelColumn));
    }
    TableSchema s = schema != null ? schema : CsvTable.schema(rows);
    Map<String, Dataset> tables = new LinkedHashMap<>();
    int i = 0;
    for (String name : files.keySet()) {
      tables.put(name, CsvTable.dataset(rows.get(i++), s));
    }
    return new Read(s, tables);
  }

  /** One table file. */
  static Read read(Path file, String labelColumn) throws IOException {
    return read(Map.of(file.toString(), file), labelColumn, null);
  }

  /** The schema's classes with each one's count, for a line of output. */
  static String classCounts(TableSchema schema, Dataset data) {
    int[] counts = data.labelCounts();
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      parts.add(schema.classes().get(k) + " " + counts[k]);
    }
    return String.join(", ", parts);
  }
}
