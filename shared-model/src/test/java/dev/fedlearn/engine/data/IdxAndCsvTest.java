package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxAndCsvTest {
  @TempDir
  Path tmp;

  private static Dataset tiny() {
    byte[] pixels = new byte[3 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 23);
    }
    return new Dataset(pixels, new byte[] {0, 9, 3}, 4, 10);
  }

  @Test
  void idxRoundTripsPlainAndGzipped() throws IOException {
    byte[] data = {1, 2, 3, (byte) 200, 0, 7};
    for (String name : new String[] {"x-idx3-ubyte", "x-idx3-ubyte.gz"}) {
      Path f = tmp.resolve(name);
      Idx.write(f, new int[] {2, 3}, data);
      Idx.Tensor t = Idx.read(f, null);
      assertThat(t.dims()).containsExactly(2, 3);
      assertThat(t.data()).containsExactly(data);
      assertThat(Idx.read(f, t.sha256()).data()).containsExactly(data);
    }
    assertThat(Files.size(tmp.resolve("x-idx3-ubyte"))).isEqualTo(4 + 8 + 6);
  }

  @Test
  void idxChecksumMismatchAndDamageAreReported() throws IOException {
    Path f = tmp.resolve("a.gz");
    Idx.write(f, new int[] {2}, new byte[] {1, 2});
    assertThatThrownBy(() -> Idx.read(f, "00".repeat(32))).isInstanceOf(DataException.class)
        .hasMessageContaining("checksum mismatch");
    Path truncated = tmp.resolve("t");
    Files.write(truncated, new byte[] {0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
    assertThatThrownBy(() -> Idx.read(truncated, null)).hasMessageContaining("promises 5 data bytes, file has 2");
    Path notIdx = tmp.resolve("n");
    Files.writeString(notIdx, "hello world");
    assertThatThrownBy(() -> Idx.read(notIdx, null)).hasMessageContaining("not an unsigned-byte idx file");
    Path badGzip = tmp.resolve("b.gz");
    Files.write(badGzip, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    assertThatThrownBy(() -> Idx.read(badGzip, null)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Idx.read(tmp.resolve("missing"), null)).hasMessageContaining("no such file");
  }

  @Test
  void mnistLoadsAndVerifiesTheRepositoryCopy() throws IOException {
    Dataset test = Mnist.load(TestData.mnist(), Mnist.Part.TEST);
    assertThat(test.size()).isEqualTo(10_000);
    assertThat(test.dim()).isEqualTo(784);
    assertThat(test.labelCounts()).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
    Dataset train = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN);
    assertThat(train.labelCounts()).containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
  }

  @Test
  void mnistRefusesAFileWithAnotherChecksum() throws IOException {
    Path dir = tmp.resolve("fake");
    Files.createDirectories(dir);
    Idx.write(dir.resolve("t10k-images-idx3-ubyte.gz"), new int[] {1, 28, 28}, new byte[784]);
    Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {1}, new byte[1]);
    assertThatThrownBy(() -> Mnist.load(dir, Mnist.Part.TEST)).isInstanceOf(DataException.class)
        .hasMessageContaining("t10k-images-idx3-ubyte.gz: checksum mismatch");
    assertThatThrownBy(() -> Mnist.load(tmp.resolve("none"), Mnist.Part.TRAIN))
        .hasMessageContaining("no MNIST file train-images-idx3-ubyte(.gz)");
  }

  @Test
  void csvRoundTripsPlainAndGzipped() throws IOException {
    Dataset d = tiny();
    for (String name : new String[] {"s.csv", "s.csv.gz"}) {
      Path f = tmp.resolve(name);
      CsvData.write(f, d);
      Dataset back = CsvData.read(f, 4, 10);
      assertThat(back.size()).isEqualTo(3);
      for (int i = 0; i < 3; i++) {
        assertThat(back.label(i)).isEqualTo(d.label(i));
        for (int j = 0; j < 4; j++) {
          assertThat(back.pixel(i, j)).isEqualTo(d.pixel(i, j));
        }
      }
    }
    assertThat(Files.readString(tmp.resolve("s.csv"))).startsWith("label,p0,p1,p2,p3\n0,0,23,46,69\n");
  }

  @Test
  void badCsvIsReportedWithItsLine() throws IOException {
    Path header = write("header.csv", "label,a\n1,2\n");
    assertThatThrownBy(() -> CsvData.read(header, 4, 10)).isInstanceOf(DataException.class)
        .hasMessageContaining("expected a header 'label' and 4 pixel columns");
    Path wide = write("pixel.csv", "label,p0,p1,p2,p3\n1,0,0,0,0\n2,0,256,0,0\n");
    assertThatThrownBy(() -> CsvData.read(wide, 4, 10)).hasMessageContaining("line 3: pixel 256 is not in 0..255");
    Path label = write("label.csv", "label,p0,p1,p2,p3\n10,0,0,0,0\n");
    assertThatThrownBy(() -> CsvData.read(label, 4, 10)).hasMessageContaining("line 2: label 10 is not in 0..9");
    Path text = write("text.csv", "label,p0,p1,p2,p3\n1,0,x,0,0\n");
    assertThatThrownBy(() -> CsvData.read(text, 4, 10)).hasMessageContaining("pixel 'x' is not a whole number");
    Path shortRow = write("short.csv", "label,p0,p1,p2,p3\n1,0,0\n");
    assertThatThrownBy(() -> CsvData.read(shortRow, 4, 10)).hasMessageContaining("line 2 has 3 columns, expected 5");
    assertThatThrownBy(() -> CsvData.read(tmp.resolve("none.csv"), 4, 10)).hasMessageContaining("no such file");
  }

  private Path write(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text, StandardCharsets.US_ASCII);
    return f;
  }

  @Test
  void theCommittedShardsAreTheDefaultPartition() throws IOException {
    Dataset train = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN);
    var parts = Partitioner.iid(train.size(), Partitioner.DEFAULT_SIZES, 42);
    Dataset first = CsvData.readMnist(TestData.dir().resolve("shards").resolve("client-1.csv.gz"));
    Dataset expected = train.subset(parts.get(0));
    assertThat(first.size()).isEqualTo(1000);
    for (int i = 0; i < first.size(); i += 97) {
      assertThat(first.label(i)).isEqualTo(expected.label(i));
      for (int j = 0; j < 784; j += 13) {
        assertThat(first.pixel(i, j)).isEqualTo(expected.pixel(i, j));
      }
    }
  }
}
