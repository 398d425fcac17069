package dev.fedlearn.engine.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The idx format of MNIST (big-endian): a magic number {@code 0x0000 08 NN} (unsigned bytes, NN dimensions), the
 * dimensions as 32-bit counts, then the data. Files may be gzip-compressed; that is told by their first bytes, not
 * their name. {@link #read} checks the SHA-256 of the decompressed bytes when one is expected.
 */
public final class Idx {
  private static final int UNSIGNED_BYTE = 0x08;

  private Idx() {}

  /**
   * A parsed idx file: its dimensions, its unsigned-byte data and their SHA-256. Equal when every component is, the
   * arrays compared element by element; {@link #toString} gives the dimensions, not the data.
   */
  public record Tensor(int[] dims, byte[] data, String sha256) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && Arrays.equals(dims, t.dims) && Arrays.equals(data, t.data)
          && Objects.equals(sha256, t.sha256);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(dims), Arrays.hashCode(data), sha256);
    }

    @Override
    public String toString() {
      return "Tensor[dims=" + Arrays.toString(dims) + ", sha256=" + sha256 + "]";
    }

    /** Bytes per item: the product of the dimensions after the first. */
    public int itemSize() {
      int s = 1;
      for (int i = 1; i < dims.length; i++) {
        s *= dims[i];
      }
      return s;
    }
  }

  /** Reads an idx file; when {@code expectedSha256} is not null, the decompressed bytes must have that digest. */
  public static Tensor read(Path file, String expectedSha256) throws IOException {
    byte[] bytes = readMaybeGzip(file);
    String digest = sha256(bytes);
    if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(digest)) {
      throw new DataException(file + ": checksum mismatch: SHA-256 of the decompressed bytes is " + digest
          + ", expected " + expectedSha256);
    }
    return parse(file, bytes, bytes.length, digest);
  }

  /** Parses the first {@code length} bytes of {@code bytes} as an idx file named {@code file} whose digest is given. */
  static Tensor parse(Path file, byte[] bytes, int length, String digest) throws DataException {
    if (length < 4) {
      throw new DataException(file + ": not an idx file (" + length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
    int magic = buf.getInt();
    int type = (magic >> 8) & 0xFF;
    int rank = magic & 0xFF;
    if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank < 1 || rank > 4) {
      throw new DataException(file + String.format(Locale.ROOT, ": not an unsigned-byte idx file (magic 0x%08X)", magic));
    }
    if (length < 4 + 4 * rank) {
      throw new DataException(file + ": truncated header");
    }
    int[] dims = new int[rank];
    long expected = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = buf.getInt();
      if (dims[i] < 0) {
        throw new DataException(file + ": negative dimension " + dims[i]);
      }
      expected *= dims[i];
    }
    long actual = length - 4L - 4L * rank;
    if (actual != expected) {
      throw new DataException(file + ": header promises " + expected + " data bytes, file has " + actual);
    }
    byte[] data = new byte[(int) actual];
    buf.get(data);
    return new Tensor(dims, data, digest);
  }

  /** Writes an unsigned-byte idx file, gzip-compressed when the name ends in {@code .gz}. */
  public static void write(Path file, int[] dims, byte[] data) throws IOException {
    long count = 1;
    for (int d : dims) {
      count *= d;
    }
    if (count != data.length) {
      throw new IllegalArgumentException("dimensions hold " + count + " bytes, data has " + data.length);
    }
    try (OutputStream out = open(file)) {
      out.write(header(dims));
      out.write(data);
    }
  }

  /** The header of an unsigned-byte idx file of these dimensions. */
  static byte[] header(int[] dims) {
    ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
    header.putInt((UNSIGNED_BYTE << 8) | dims.length);
    for (int d : dims) {
      header.putInt(d);
    }
    return header.array();
  }

  private static OutputStream open(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      return new GZIPOutputStream(raw, 1 << 16) {
        {
          def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
        }
      };
    }
    return raw;
  }

  /** The whole file, decompressed when it starts with the gzip magic bytes. */
  static byte[] readMaybeGzip(Path file) throws IOException {
    try (InputStream in = openMaybeGzip(file)) {
      return in.readAllBytes();
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file");
    } catch (java.util.zip.ZipException e) {
      throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
    }
  }

  /** Opens a file for reading, through gzip when it starts with the gzip magic bytes. */
  public static InputStream openMaybeGzip(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
