package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
  @TempDir
  Path tmp;

  private Path csv(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void infersTheSchemaFromEveryTableAndTakesRowsInItsColumnOrder() throws IOException {
    Path a = csv("a.csv", "x,kind,y\n1.5,cat,2\n-3,dog,4e1\n");
    Path b = csv("b.csv", "y,x,kind\n7,8,ant\n");
    List<CsvTable.Rows> rows = List.of(CsvTable.read(a, "kind"), CsvTable.read(b, "kind"));

    TableSchema schema = CsvTable.schema(rows);

    assertThat(schema.label()).isEqualTo("kind");
    assertThat(schema.features()).containsExactly("x", "y");
    assertThat(schema.classes()).containsExactly("ant", "cat", "dog"); // sorted, from every table
    Dataset first = CsvTable.dataset(rows.get(0), schema);
    assertThat(first.isTable()).isTrue();
    assertThat(first.value(0, 0)).isEqualTo(1.5f);
    assertThat(first.value(1, 1)).isEqualTo(40f);
    assertThat(first.label(1)).isEqualTo(2);
    Dataset second = CsvTable.dataset(rows.get(1), schema); // its columns in the schema's order
    assertThat(second.value(0, 0)).isEqualTo(8f);
    assertThat(second.value(0, 1)).isEqualTo(7f);
    assertThat(second.label(0)).isEqualTo(0);
  }

  @Test
  void numericClassesAreOrderedAsNumbers() throws IOException {
    Path f = csv("n.csv", "f,label\n1,10\n2,9\n3,-1\n");
    assertThat(CsvTable.schema(List.of(CsvTable.read(f, "label"))).classes()).containsExactly("-1", "9", "10");
  }

  @Test
  void writesWhatItReads() throws IOException {
    Path f = csv("w.csv", "f1,label,f2\n0.25,yes,1e-3\n3,no,-7.5\n");
    Dataset data = CsvTable.read(f, CsvTable.schema(List.of(CsvTable.read(f, "label"))));
    TableSchema schema = CsvTable.schema(List.of(CsvTable.read(f, "label")));
    Path out = tmp.resolve("out.csv");

    CsvTable.write(out, data, schema);

    assertThat(Files.readAllLines(out)).first().isEqualTo("label,f1,f2");
    Dataset back = CsvTable.read(out, schema);
    for (int i = 0; i < data.size(); i++) {
      assertThat(back.label(i)).isEqualTo(data.label(i));
      for (int j = 0; j < data.dim(); j++) {
        assertThat(back.value(i, j)).isEqualTo(data.value(i, j));
      }
    }
  }

  @Test
  void refusesEachBadCellNamingTheFileTheLineAndTheColumn() throws IOException {
    Path f = csv("bad.csv", "a,b,label\n1,2,x\n1,abc,x\n1,NaN,y\n1,2\n,2,y\n1,2,\n1,Infinity,x\n");

    assertThatThrownBy(() -> CsvTable.read(f, "label")).isInstanceOf(DataException.class)
        .hasMessage(f + ": line 3, column 'b': 'abc' is not a number; line 4, column 'b': NaN is not a finite number;"
            + " line 5 has 2 cells, the header 3; line 6, column 'a': an empty cell; line 7, column 'label': no label;"
            + " and 1 more");
  }

  @Test
  void refusesAnEmptyFileAHeaderOnlyAndAMissingLabelColumn() throws IOException {
    Path empty = csv("empty.csv", "");
    Path header = csv("header.csv", "a,label\n");
    Path noLabel = csv("nolabel.csv", "a,b\n1,2\n");

    assertThatThrownBy(() -> CsvTable.read(empty, "label"))
        .hasMessage(empty + ": empty, expected a header row naming the columns");
    assertThatThrownBy(() -> CsvTable.read(header, "label")).hasMessage(header + ": a header and no rows");
    assertThatThrownBy(() -> CsvTable.read(noLabel, "label")).hasMessage(noLabel + ": no column 'label' (the label "
        + "column, --label-column or FL_LABEL_COLUMN) in the header [a, b]");
    assertThatThrownBy(() -> CsvTable.read(tmp.resolve("none.csv"), "label")).hasMessageEndingWith(": no such file");
  }

  @Test
  void refusesRowsThatDoNotFitTheRunsSchema() throws IOException {
    TableSchema schema = new TableSchema("label", List.of("a", "b"), List.of("x", "y"));
    Path columns = csv("columns.csv", "a,c,label\n1,2,x\n");
    Path labels = csv("labels.csv", "a,b,label\n1,2,x\n1,2,z\n3,4,y\n");
    Path otherLabel = csv("other.csv", "a,b,kind\n1,2,x\n");

    assertThatThrownBy(() -> CsvTable.read(columns, schema))
        .hasMessage(columns + ": the feature columns are not the run's; missing [b]; not expected [c]");
    assertThatThrownBy(() -> CsvTable.read(labels, schema))
        .hasMessage(labels + ": line 3, column 'label': 'z' is not one of the run's classes [x, y]");
    assertThatThrownBy(() -> CsvTable.read(otherLabel, schema)).isInstanceOf(DataException.class)
        .hasMessageContaining("no column 'label'");
  }

  @Test
  void refusesTablesThatDoNotMakeOneSchema() throws IOException {
    Path a = csv("a.csv", "a,b,label\n1,2,x\n");
    Path b = csv("b.csv", "a,label\n1,y\n");
    Path one = csv("one.csv", "a,label\n1,x\n2,x\n");

    assertThatThrownBy(() -> CsvTable.schema(List.of(CsvTable.read(a, "label"), CsvTable.read(b, "label"))))
        .hasMessage(b + ": the feature columns are not " + a + "'s; missing [b]");
    assertThatThrownBy(() -> CsvTable.schema(List.of(CsvTable.read(one, "label"))))
        .hasMessage(one + ": a table needs 2 to 127 classes, got 1 (every row has the label 'x')");
  }

  @Test
  void takesTheByteOrderMarkOfExcelsCsvUtf8AndRefusesTextThatIsNotUtf8() throws IOException {
    Path bom = csv("bom.csv", "\uFEFFy,a\nx,1\nz,2\n");
    assertThat(CsvTable.read(bom, "y").features()).containsExactly("a");
    Path latin1 = tmp.resolve("latin1.csv");
    Files.write(latin1, "y,a\nx,1\nn\u00e9,2\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> CsvTable.read(latin1, "y")).isInstanceOf(DataException.class)
        .hasMessage(latin1 + ": not UTF-8 text (save it as CSV UTF-8)");
  }
}
