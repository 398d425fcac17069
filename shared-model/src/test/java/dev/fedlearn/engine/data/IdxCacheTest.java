package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxCacheTest {
  private static final byte[] DATA = {1, 2, 3, (byte) 200, 0, 7};

  @TempDir
  Path tmp;

  /** A gzipped idx file of {@link #DATA}, and the SHA-256 of its decompressed bytes. */
  private Path source;
  private String sha;
  private IdxCache cache;

  @BeforeEach
  void writeSource() throws IOException {
    source = tmp.resolve("x-idx3-ubyte.gz");
    Idx.write(source, new int[] {2, 3}, DATA);
    sha = Idx.read(source, null).sha256();
    cache = new IdxCache(tmp.resolve("cache"));
  }

  @Test
  void theFirstReadKeepsACheckedCopyThatLaterReadsUseInsteadOfTheSource() throws IOException {

    Idx.Tensor first = cache.read(source, sha);
    assertThat(first).isEqualTo(Idx.read(source, sha));
    Path copy = tmp.resolve("cache").resolve(sha + ".idx");
    assertThat(copy).exists();
    assertThat(Files.size(copy)).isEqualTo(4 + 8 + DATA.length + 4); // header, data, CRC32C

    Files.write(source, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}); // the source is now unreadable
    assertThat(cache.read(source, sha)).isEqualTo(first);
  }

  @Test
  void aDamagedOrShortCopyIsReadAgainFromTheSourceAndRewritten() throws IOException {
    Idx.Tensor expected = cache.read(source, sha);
    Path copy = tmp.resolve("cache").resolve(sha + ".idx");
    byte[] intact = Files.readAllBytes(copy);

    byte[] damaged = intact.clone();
    damaged[13] ^= 0x40; // one bit of the data: same length, wrong CRC32C
    Files.write(copy, damaged);
    assertThat(cache.read(source, sha)).isEqualTo(expected);
    assertThat(Files.readAllBytes(copy)).isEqualTo(intact);

    Files.write(copy, new byte[] {0, 0});
    assertThat(cache.read(source, sha)).isEqualTo(expected);
    assertThat(Files.readAllBytes(copy)).isEqualTo(intact);
  }

  @Test
  void aSourceWithTheWrongChecksumIsRefusedAndNotKept() throws IOException {
    String wrong = "ab".repeat(32);

    assertThatThrownBy(() -> cache.read(source, wrong)).isInstanceOf(DataException.class)
        .hasMessageContaining("checksum mismatch");
    assertThat(tmp.resolve("cache").resolve(wrong + ".idx")).doesNotExist();
  }

  @Test
  void aCacheFolderThatCannotBeWrittenOnlyCostsTime() throws IOException {
    Path blocked = Files.writeString(tmp.resolve("a-file"), "not a folder");

    assertThat(new IdxCache(blocked).read(source, sha)).isEqualTo(Idx.read(source, sha));
    assertThat(new IdxCache(blocked.resolve("below")).read(source, sha)).isEqualTo(Idx.read(source, sha));
    assertThat(Files.readString(blocked)).isEqualTo("not a folder");
  }

  @Test
  void mnistThroughTheCacheIsMnist() throws IOException {
    Dataset plain = Mnist.load(TestData.mnist(), Mnist.Part.TEST);

    Dataset first = Mnist.load(TestData.mnist(), Mnist.Part.TEST, cache);
    Dataset cached = Mnist.load(TestData.mnist(), Mnist.Part.TEST, cache);

    for (Dataset d : new Dataset[] {first, cached}) {
      assertThat(d.size()).isEqualTo(plain.size());
      assertThat(d.features(0)).isEqualTo(plain.features(0));
    }
    assertThat(tmp.resolve("cache").resolve(ImageSet.MNIST.imagesSha256(Mnist.Part.TEST) + ".idx")).exists();
    assertThat(tmp.resolve("cache").resolve(ImageSet.MNIST.labelsSha256(Mnist.Part.TEST) + ".idx")).exists();
  }

  @Test
  void theFolderComesFromThePropertyTheEnvironmentXdgOrHomeAndAnEmptyValueTurnsItOff() {
    assertThat(IdxCache.standard("/p", Map.of(IdxCache.ENV, "/e"), "/h").dir()).isEqualTo(Path.of("/p"));
    assertThat(IdxCache.standard(null, Map.of(IdxCache.ENV, "/e", "XDG_CACHE_HOME", "/x"), "/h").dir())
        .isEqualTo(Path.of("/e"));
    assertThat(IdxCache.standard(null, Map.of("XDG_CACHE_HOME", "/x"), "/h").dir())
        .isEqualTo(Path.of("/x", "fedlearn"));
    assertThat(IdxCache.standard(null, Map.of(), "/h").dir()).isEqualTo(Path.of("/h", ".cache", "fedlearn"));
    assertThat(IdxCache.standard("", Map.of(IdxCache.ENV, "/e"), "/h")).isNull();
    assertThat(IdxCache.standard(null, Map.of(IdxCache.ENV, ""), "/h")).isNull();
    assertThat(IdxCache.standard(null, Map.of(), null)).isNull();
  }
}
