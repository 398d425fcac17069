package dev.fedlearn.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The four idx files of an image dataset in a folder ({@code train-images-idx3-ubyte[.gz]} and so on, as MNIST's and
 * Fashion-MNIST's releases name them), checked against the published SHA-256 of their decompressed bytes: MNIST's,
 * unless an {@link ImageSet} says which dataset the folder holds.
 */
public final class Mnist {
  /** The two parts of a dataset: 60,000 training and 10,000 test images. */
  public enum Part {
    TRAIN("train"),
    TEST("t10k");

    private final String prefix;

    Part(String prefix) {
      this.prefix = prefix;
    }

    public String imagesName() {
      return prefix + "-images-idx3-ubyte";
    }

    public String labelsName() {
      return prefix + "-labels-idx1-ubyte";
    }
  }

  private Mnist() {}

  /** Loads and verifies one part of MNIST from {@code dir}, taking {@code name.gz} or else {@code name}. */
  public static Dataset load(Path dir, Part part) throws IOException {
    return load(dir, ImageSet.MNIST, part, null);
  }

  /**
   * Loads and verifies one part of MNIST from {@code dir} as {@link #load(Path, Part)} does, through {@code cache}
   * when it is not null: a file's checked, decompressed copy there stands for it.
   */
  public static Dataset load(Path dir, Part part, IdxCache cache) throws IOException {
    return load(dir, ImageSet.MNIST, part, cache);
  }

  /**
   * Loads one part of {@code set} from {@code dir}, each file verified against {@code set}'s checksum, through
   * {@code cache} when it is not null.
   */
  public static Dataset load(Path dir, ImageSet set, Part part, IdxCache cache) throws IOException {
    Idx.Tensor images = read(find(dir, set, part.imagesName()), set, set.imagesSha256(part), cache);
    Idx.Tensor labels = read(find(dir, set, part.labelsName()), set, set.labelsSha256(part), cache);
    return new Dataset(images.data(), labels.data(), images.itemSize(), Dataset.MNIST_CLASSES);
  }

  /**
   * The file, checked against {@code sha256}; a file that fails the check but is another set's (its checksum says so)
   * is refused with a message naming both sets. A cached copy stands for a gzip file only when the file's trailer
   * agrees with it, so that a folder of the other set is refused even when this set's copies are cached.
   */
  private static Idx.Tensor read(Path file, ImageSet set, String sha256, IdxCache cache) throws IOException {
    try {
      if (cache != null) {
        Idx.Tensor copy = cache.read(file, sha256);
        if (trailerAgrees(file, copy)) {
          return copy;
        }
      }
      return Idx.read(file, sha256);
    } catch (DataException e) {
      ImageSet other = owner(file, set);
      if (other == null) {
        throw e;
      }
      throw new DataException(e.getMessage() + " (this is " + other.title() + "'s file, not " + set.title() + "'s)",
          e);
    }
  }

  /**
   * Whether {@code file}, when it is a gzip file, ends with the CRC-32 and the size (mod 2^32) of {@code t}'s bytes,
   * as gzip's trailer does (8 bytes read, the CRC-32 of the copy computed: milliseconds); a plain file is taken as it
   * is.
   */
  private static boolean trailerAgrees(Path file, Idx.Tensor t) throws IOException {
    long size = Files.size(file);
    byte[] trailer = new byte[8];
    try (SeekableByteChannel in = Files.newByteChannel(file)) {
      ByteBuffer magic = ByteBuffer.allocate(2);
      in.read(magic);
      if (size < 18 || magic.get(0) != (byte) 0x1f || magic.get(1) != (byte) 0x8b) {
        return true;
      }
      in.position(size - trailer.length).read(ByteBuffer.wrap(trailer));
    }
    byte[] header = Idx.header(t.dims());
    CRC32 crc = new CRC32();
    crc.update(header);
    crc.update(t.data());
    ByteBuffer le = ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN);
    return le.getInt(0) == (int) crc.getValue() && le.getInt(4) == header.length + t.data().length;
  }

  /** The set other than {@code set} one of whose four checksums {@code file}'s decompressed bytes have, else null. */
  private static ImageSet owner(Path file, ImageSet set) {
    String digest;
    try {
      digest = Idx.read(file, null).sha256();
    } catch (IOException e) {
      return null;
    }
    for (ImageSet other : ImageSet.values()) {
      for (Part part : Part.values()) {
        if (other != set && (other.imagesSha256(part).equals(digest) || other.labelsSha256(part).equals(digest))) {
          return other;
        }
      }
    }
    return null;
  }

  static Path find(Path dir, ImageSet set, String name) throws DataException {
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new DataException("no " + set.title() + " file " + name + "(.gz) in " + dir.toAbsolutePath().normalize());
  }
}
