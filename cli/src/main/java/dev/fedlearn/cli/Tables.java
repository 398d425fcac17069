package dev.fedlearn.cli;

import dev.fedlearn.engine.data.CsvData;
import dev.fedlearn.engine.data.CsvTable;
import dev.fedlearn.engine.data.DataException;
import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Tables as the commands read them: any CSV with a header and a label column, one schema for all. */
final class Tables {
  private Tables() {}

  /** The file beside a table's shards that holds their schema. */
  static final String SCHEMA_FILE = "schema.json";

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).enable(SerializationFeature.INDENT_OUTPUT).build();

  static void writeSchema(Path file, TableSchema schema) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(schema) + "\n");
  }

  /** The schema in {@code file}, when there is one. */
  static TableSchema readSchema(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readValue(Files.readString(file), TableSchema.class);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new DataException(file + ": not a table's schema (" + e.getMessage() + ")", e);
    }
  }

  /** Tables read with the schema they make together, by name (a shard's client id, else the file). */
  record Read(TableSchema schema, Map<String, Dataset> tables) {}

  /** Whether a CSV holds MNIST images: its header is {@code label,p0,...,p783}, as {@code fl shards} writes it. */
  static boolean holdsImages(Path file) throws IOException {
    Inputs.textFile(file);
    return CsvData.holdsImages(file);
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
