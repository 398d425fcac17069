package dev.fedlearn.federation.secagg;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Shamir t-of-n secret sharing over the prime field GF(p), {@code p = 2^521 - 1} (a Mersenne prime), for secrets of 1
 * to 64 bytes. The secret, read as an unsigned big-endian integer (below {@code 2^512 < p}), is the constant term of
 * a polynomial of degree {@code t - 1} whose other coefficients are uniform in {@code [0, p)}; share {@code x} is
 * {@code (x, f(x))} for {@code x = 1..n}. Any {@code t} shares give {@code f(0)} by Lagrange interpolation; any
 * {@code t - 1} of them are uniformly distributed whatever the secret, so they say nothing about it.
 */
public final class Shamir {
  /** The field's modulus, {@code 2^521 - 1}. */
  public static final BigInteger PRIME = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);
  /** The longest secret: 64 bytes, 512 bits, below the modulus. */
  public static final int MAX_SECRET_BYTES = 64;
  /** A field element in big-endian bytes: 521 bits round up to 66 bytes. */
  static final int Y_BYTES = 66;
  /** A serialised share: the index {@code x} (4 bytes, big-endian), then {@code y} ({@value #Y_BYTES} bytes). */
  public static final int SHARE_BYTES = Integer.BYTES + Y_BYTES;

  private Shamir() {}

  /**
   * One share: the point {@code (x, y = f(x))}, {@code x >= 1}, {@code 0 <= y < p}. {@link #toString} leaves out
   * {@code y}, which is secret.
   */
  public record Share(int x, BigInteger y) {
    public Share {
      Objects.requireNonNull(y, "y");
      if (x < 1) {
        throw new IllegalArgumentException("a share's index must be 1 or more, got " + x);
      }
      if (y.signum() < 0 || y.compareTo(PRIME) >= 0) {
        throw new IllegalArgumentException("a share's value must be in [0, 2^521 - 1)");
      }
    }

    /** {@value #SHARE_BYTES} bytes: {@code x} as a big-endian int, then {@code y} as 66 big-endian bytes. */
    public byte[] toBytes() {
      byte[] out = new byte[SHARE_BYTES];
      ByteBuffer.wrap(out).putInt(x);
      byte[] value = y.toByteArray();
      System.arraycopy(value, 0, out, SHARE_BYTES - value.length, value.length);
      return out;
    }

    /**
     * The share {@link #toBytes} wrote.
     *
     * @throws SecAggException if the bytes are not {@value #SHARE_BYTES} long, the index is below 1 or the value is
     *     not below {@code 2^521 - 1}
     */
    public static Share fromBytes(byte[] bytes) {
      if (bytes == null || bytes.length != SHARE_BYTES) {
        throw new SecAggException("a serialised share must be " + SHARE_BYTES + " bytes long, got "
            + (bytes == null ? "none" : bytes.length));
      }
      int x = ByteBuffer.wrap(bytes).getInt();
      if (x < 1) {
        throw new SecAggException("a serialised share has index " + x + ", shares are numbered from 1");
      }
      BigInteger y = new BigInteger(1, bytes, Integer.BYTES, Y_BYTES);
      if (y.compareTo(PRIME) >= 0) {
        throw new SecAggException("a serialised share's value is not below the field's modulus 2^521 - 1");
      }
      return new Share(x, y);
    }

    @Override
    public String toString() {
      return "Share[x=" + x + "]";
    }
  }

  /**
   * Splits {@code secret} into {@code parties} shares, any {@code threshold} of which reconstruct it; share {@code i}
   * of the list has index {@code i + 1}.
   *
   * @throws IllegalArgumentException if the secret is empty or longer than 64 bytes, or the threshold is not in
   *     {@code [1, parties]}
   */
  public static List<Share> split(byte[] secret, int threshold, int parties, SecureRandom random) {
    checkLength(secret.length);
    if (threshold < 1 || threshold > parties) {
      throw new IllegalArgumentException("the threshold must be between 1 and the " + parties + " parties, got "
          + threshold);
    }
    BigInteger[] coefficients = new BigInteger[threshold];
    coefficients[0] = new BigInteger(1, secret);
    for (int i = 1; i < threshold; i++) {
      coefficients[i] = uniform(random);
    }
    List<Share> shares = new ArrayList<>(parties);
    for (int x = 1; x <= parties; x++) {
      BigInteger bx = BigInteger.valueOf(x);
      BigInteger y = coefficients[threshold - 1];
      for (int i = threshold - 2; i >= 0; i--) {
        y = y.multiply(bx).add(coefficients[i]).mod(PRIME);
      }
      shares.add(new Share(x, y));
    }
    return shares;
  }

  /**
   * The secret of {@code secretLength} bytes that the first {@code threshold} shares with distinct indices give (a
   * later share with an index already seen is skipped).
   *
   * @throws SecAggException if fewer than {@code threshold} distinct indices are given, or the shares interpolate to
   *     a value that does not fit in {@code secretLength} bytes (a wrong share, or shares of different secrets)
   * @throws IllegalArgumentException if the threshold is below 1 or the length is not in {@code [1, 64]}
   */
  public static byte[] combine(List<Share> shares, int threshold, int secretLength) {
    checkLength(secretLength);
    if (threshold < 1) {
      throw new IllegalArgumentException("the threshold must be 1 or more, got " + threshold);
    }
    int[] xs = new int[threshold];
    BigInteger[] ys = new BigInteger[threshold];
    Set<Integer> seen = new HashSet<>();
    int found = 0;
    for (Share s : shares) {
      if (found < threshold && seen.add(s.x())) {
        xs[found] = s.x();
        ys[found] = s.y();
        found++;
      }
    }
    if (found < threshold) {
      throw new SecAggException("only " + found + " distinct shares were given, " + threshold + " are needed to "
          + "reconstruct the secret");
    }
    return toSecret(interpolate(lagrange(xs, 0), ys), secretLength);
  }

  /**
   * The Lagrange coefficients {@code c_i} with {@code f(at) = sum c_i f(xs[i])} for every polynomial {@code f} of
   * degree below {@code xs.length}. The indices must be distinct.
   */
  static BigInteger[] lagrange(int[] xs, long at) {
    BigInteger[] c = new BigInteger[xs.length];
    for (int i = 0; i < xs.length; i++) {
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      for (int j = 0; j < xs.length; j++) {
        if (j != i) {
          num = num.multiply(BigInteger.valueOf(at - xs[j])).mod(PRIME);
          den = den.multiply(BigInteger.valueOf((long) xs[i] - xs[j])).mod(PRIME);
        }
      }
      c[i] = num.multiply(den.modInverse(PRIME)).mod(PRIME);
    }
    return c;
  }

  /** {@code sum coefficients[i] * ys[i] mod p}, over the coefficients. */
  static BigInteger interpolate(BigInteger[] coefficients, BigInteger[] ys) {
    BigInteger sum = BigInteger.ZERO;
    for (int i = 0; i < coefficients.length; i++) {
      sum = sum.add(coefficients[i].multiply(ys[i]));
    }
    return sum.mod(PRIME);
  }

  /** {@code value} as {@code length} big-endian bytes, if it fits. */
  static byte[] toSecret(BigInteger value, int length) {
    if (value.bitLength() > 8 * length) {
      throw new SecAggException("the shares do not reconstruct a secret of " + length + " bytes (a share is wrong, "
          + "or the shares are of different secrets)");
    }
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int skip = raw.length > length ? raw.length - length : 0;
    System.arraycopy(raw, skip, out, length - (raw.length - skip), raw.length - skip);
    return out;
  }

  private static BigInteger uniform(SecureRandom random) {
    BigInteger v;
    do {
      v = new BigInteger(521, random);
    } while (v.compareTo(PRIME) >= 0);
    return v;
  }

  private static void checkLength(int length) {
    if (length < 1 || length > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException("a secret must be 1 to " + MAX_SECRET_BYTES + " bytes long, got " + length);
    }
  }
}
