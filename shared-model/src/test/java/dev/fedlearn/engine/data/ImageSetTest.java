package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image datasets: each kind checks its own files' checksums, and the repository holds both. */
class ImageSetTest {
  @TempDir
  Path tmp;

  private static Path fashion() {
    return TestData.dir().resolve(ImageSet.FASHION_MNIST.id());
  }

  @Test
  void idsNameTheKinds() {
    assertThat(ImageSet.of("mnist")).isEqualTo(ImageSet.MNIST);
    assertThat(ImageSet.of("fashion-mnist")).isEqualTo(ImageSet.FASHION_MNIST);
    assertThat(ImageSet.of(" Fashion-MNIST ")).isEqualTo(ImageSet.FASHION_MNIST);
    assertThat(ImageSet.ids()).isEqualTo("mnist, fashion-mnist");
    for (String bad : new String[] {"cifar", "fashion_mnist", "", null}) {
      assertThatThrownBy(() -> ImageSet.of(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("unknown image dataset '" + bad + "': expected one of mnist, fashion-mnist");
    }
  }

  @Test
  void everyFileOfEveryKindHasItsOwnChecksum() {
    long distinct = Arrays.stream(ImageSet.values()).flatMap(s -> Arrays.stream(Mnist.Part.values())
        .flatMap(p -> Stream.of(s.imagesSha256(p), s.labelsSha256(p)))).distinct().count();
    assertThat(distinct).isEqualTo(ImageSet.values().length * 4L);
  }

  @Test
  void fashionMnistLoadsAndVerifiesTheRepositoryCopy() throws IOException {
    Dataset test = Mnist.load(fashion(), ImageSet.FASHION_MNIST, Mnist.Part.TEST, null);
    assertThat(test.size()).isEqualTo(10_000);
    assertThat(test.dim()).isEqualTo(784);
    assertThat(test.labelCounts()).containsOnly(1000);
    Dataset train = Mnist.load(fashion(), ImageSet.FASHION_MNIST, Mnist.Part.TRAIN, null);
    assertThat(train.size()).isEqualTo(60_000);
    assertThat(train.labelCounts()).containsOnly(6000);
    long ink = 0;
    for (int i = 0; i < test.size(); i++) {
      for (int j = 0; j < test.dim(); j++) {
        ink += test.pixel(i, j);
      }
    }
    // The test set's mean pixel as data/README.md records it (MNIST's is 33.7912).
    assertThat(String.format(Locale.ROOT, "%.4f", (double) ink / (10_000L * 784))).isEqualTo("73.1466");
  }

  @Test
  void theKindChoosesTheChecksumsAndAFolderOfTheOtherKindIsRefusedByName() {
    assertThatThrownBy(() -> Mnist.load(fashion(), ImageSet.MNIST, Mnist.Part.TEST, null))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("t10k-images-idx3-ubyte.gz: checksum mismatch")
        .hasMessageEndingWith("(this is Fashion-MNIST's file, not MNIST's)");
    assertThatThrownBy(() -> Mnist.load(fashion(), Mnist.Part.TEST)).hasMessageEndingWith(
        "(this is Fashion-MNIST's file, not MNIST's)");
    assertThatThrownBy(() -> Mnist.load(TestData.mnist(), ImageSet.FASHION_MNIST, Mnist.Part.TEST, null))
        .hasMessageEndingWith("(this is MNIST's file, not Fashion-MNIST's)");
  }

  @Test
  void cachedCopiesOfOneKindDoNotStandForAFolderOfTheOther() throws IOException {
    IdxCache cache = new IdxCache(tmp.resolve("cache"));
    Dataset read = Mnist.load(TestData.mnist(), ImageSet.MNIST, Mnist.Part.TEST, cache);
    assertThat(tmp.resolve("cache").resolve(ImageSet.MNIST.imagesSha256(Mnist.Part.TEST) + ".idx")).exists();
    assertThat(Mnist.load(TestData.mnist(), ImageSet.MNIST, Mnist.Part.TEST, cache).features(0))
        .isEqualTo(read.features(0));

    assertThatThrownBy(() -> Mnist.load(fashion(), ImageSet.MNIST, Mnist.Part.TEST, cache))
        .hasMessageEndingWith("(this is Fashion-MNIST's file, not MNIST's)");
  }

  @Test
  void aFileOfNeitherKindIsRefusedAsAMismatchAndAMissingOneByTheKindsName() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("fake"));
    Idx.write(dir.resolve("t10k-images-idx3-ubyte.gz"), new int[] {1, 28, 28}, new byte[784]);
    Idx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {1}, new byte[1]);
    assertThatThrownBy(() -> Mnist.load(dir, ImageSet.FASHION_MNIST, Mnist.Part.TEST, null))
        .isInstanceOf(DataException.class)
        .hasMessageEndingWith("t10k-images-idx3-ubyte.gz: checksum mismatch: SHA-256 of the decompressed bytes is "
            + Idx.read(dir.resolve("t10k-images-idx3-ubyte.gz"), null).sha256() + ", expected "
            + ImageSet.FASHION_MNIST.imagesSha256(Mnist.Part.TEST));
    assertThatThrownBy(() -> Mnist.load(tmp.resolve("none"), ImageSet.FASHION_MNIST, Mnist.Part.TRAIN, null))
        .hasMessageContaining("no Fashion-MNIST file train-images-idx3-ubyte(.gz)");
  }

  @Test
  void theCommittedFashionShardsAreTheDefaultPartition() throws IOException {
    Dataset train = Mnist.load(fashion(), ImageSet.FASHION_MNIST, Mnist.Part.TRAIN, null);
    var parts = Partitioner.iid(train.size(), Partitioner.DEFAULT_SIZES, 42);
    for (int c = 0; c < parts.size(); c++) {
      Dataset shard = CsvData.readMnist(TestData.dir().resolve("shards-fashion-mnist")
          .resolve("client-" + (c + 1) + ".csv.gz"));
      Dataset expected = train.subset(parts.get(c));
      assertThat(shard.size()).isEqualTo(Partitioner.DEFAULT_SIZES[c]);
      assertThat(shard.features(0)).as("client-%d", c + 1).isEqualTo(expected.features(0));
    }
  }
}
