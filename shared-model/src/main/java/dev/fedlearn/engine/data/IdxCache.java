package dev.fedlearn.engine.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A folder of decompressed copies of idx files that were read and checked once, so that later reads skip the gzip
 * decompression and the SHA-256 (for MNIST's training images, about 0.5 s of a cold JVM). A copy is named by the
 * SHA-256 of its bytes, {@code <sha256>.idx}, and holds those bytes followed by their CRC32C (4 bytes, big-endian),
 * which every read of the copy checks. A copy that is missing, short or damaged is read again from the source file
 * (checking its SHA-256 as {@link Idx#read} does) and written anew. The cache only saves time: when the folder cannot
 * be created or written, reads go to the source files and nothing fails.
 */
public final class IdxCache {
  /** The environment variable naming the folder; set to an empty value, it turns the cache off. */
  public static final String ENV = "FL_CACHE_DIR";
  /** The system property naming the folder, before {@link #ENV}; empty turns the cache off. */
  public static final String PROPERTY = "fl.cache-dir";
  private static final String SUFFIX = ".idx";
  private static final int CRC_BYTES = 4;

  private final Path dir;

  public IdxCache(Path dir) {
    this.dir = dir;
  }

  /**
   * The cache of this user: the folder the system property {@value #PROPERTY} or the environment variable
   * {@value #ENV} names, else {@code $XDG_CACHE_HOME/fedlearn}, else {@code ~/.cache/fedlearn}; null when the chosen
   * value is empty (cache off) or no folder can be named.
   */
  public static IdxCache standard() {
    return standard(System.getProperty(PROPERTY), System.getenv(), System.getProperty("user.home"));
  }

  static IdxCache standard(String property, Map<String, String> env, String home) {
    String chosen = property != null ? property : env.get(ENV);
    if (chosen != null) {
      return chosen.isBlank() ? null : new IdxCache(Path.of(chosen));
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return new IdxCache(Path.of(xdg, "fedlearn"));
    }
    return home == null || home.isBlank() ? null : new IdxCache(Path.of(home, ".cache", "fedlearn"));
  }

  public Path dir() {
    return dir;
  }

  /** The idx file {@code file}, whose decompressed bytes must have the SHA-256 {@code sha256}: the copy if intact. */
  public Idx.Tensor read(Path file, String sha256) throws IOException {
    String key = sha256.toLowerCase(Locale.ROOT);
    Path copy = dir.resolve(key + SUFFIX);
    Idx.Tensor cached = readCopy(copy, key);
    if (cached != null) {
      return cached;
    }
    Idx.Tensor fresh = Idx.read(file, key);
    store(copy, fresh);
    return fresh;
  }

  /** The tensor in {@code copy}, or null when it is missing or does not pass its CRC32C. */
  private static Idx.Tensor readCopy(Path copy, String sha256) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(copy);
    } catch (IOException e) {
      return null;
    }
    int length = bytes.length - CRC_BYTES;
    if (length < 0 || crc(bytes, length) != ByteBuffer.wrap(bytes, length, CRC_BYTES).getInt()) {
      return null;
    }
    try {
      return Idx.parse(copy, bytes, length, sha256);
    } catch (DataException e) {
      return null;
    }
  }

  /** Writes the copy through a temporary file moved into place, so a reader never sees half of one. */
  private void store(Path copy, Idx.Tensor tensor) {
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, copy.getFileName().toString(), ".tmp");
      Idx.write(tmp, tensor.dims(), tensor.data());
      CRC32C crc = new CRC32C();
      crc.update(Idx.header(tensor.dims()));
      crc.update(tensor.data());
      Files.write(tmp, ByteBuffer.allocate(CRC_BYTES).putInt((int) crc.getValue()).array(), StandardOpenOption.APPEND);
      try {
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // no copy: the next read decompresses the source again
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a stray temporary file in the cache folder, ignored by reads
        }
      }
    }
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
