package dev.fedlearn.federation.secagg;

import dev.fedlearn.engine.data.Standardization;
import dev.fedlearn.protocol.SecAggPlan;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A table's column sums in secure aggregation's ring, exactly: a site's row count, and each column's sum and sum of
 * squares as the integers {@link Standardization.Sums#scaled} makes of them, each written in two's complement over
 * 16-bit limbs, one limb per ring element. Added mod {@code 2^32}, a limb of up to {@link #MAX_PARTIES} sites never
 * wraps, so the unmasked ring gives the exact total: the same bits as {@link Standardization.Sums#total} of the sites'
 * sums in the clear. A site's vector is {@code 4 + 59 * columns} elements: 4 limbs for the count, then for each
 * column 21 for its sum (a float column of up to {@code 2^31} rows, scaled by {@code 2^149}, fits in 308 bits) and 38
 * for its sum of squares (585 bits), with 17 bits to spare for the sign and the sites' total.
 */
public final class ColumnSums {
  /** The most sites whose limbs, each below {@code 2^16}, add up below {@code 2^32}. */
  public static final int MAX_PARTIES = 1 << 16;

  private static final int LIMB_BITS = 16;
  private static final int COUNT_LIMBS = 4;
  private static final int SUM_LIMBS = 21;
  private static final int SQUARE_LIMBS = 38;
  /** The bits a site's value may take: the rest of a group's bits hold the sign and the sum over the sites. */
  private static final int SPARE_BITS = LIMB_BITS + 1;

  private ColumnSums() {}

  /**
   * A secure aggregation session among {@code parties} that sums their tables' column sums of {@code columns} columns,
   * before round {@code round} trains.
   */
  public static SecAggSession session(int round, List<String> parties, int columns, Duration stepTimeout,
      Instant now) {
    return new SecAggSession(SecAggPlan.columnSums(round, UUID.randomUUID().toString(),
        SecAggServer.defaultThreshold(parties.size()), parties, columns), length(columns), stepTimeout, now);
  }

  /** The ring elements of a table of {@code columns} feature columns. */
  public static int length(int columns) {
    return COUNT_LIMBS + columns * (SUM_LIMBS + SQUARE_LIMBS);
  }

  /**
   * A site's sums in the ring.
   *
   * @throws IllegalArgumentException when a value is beyond what rows of floats can sum to
   */
  public static int[] encode(Standardization.Sums sums) {
    int d = sums.sum().length;
    int[] out = new int[length(d)];
    write(BigInteger.valueOf(sums.count()), COUNT_LIMBS, out, 0, "the row count");
    for (int j = 0; j < d; j++) {
      int at = COUNT_LIMBS + j * (SUM_LIMBS + SQUARE_LIMBS);
      write(Standardization.Sums.scaled(sums.sum()[j], Standardization.Sums.SUM_SHIFT), SUM_LIMBS, out, at,
          "column " + j + "'s sum");
      write(Standardization.Sums.scaled(sums.sumSquares()[j], Standardization.Sums.SQUARE_SHIFT), SQUARE_LIMBS, out,
          at + SUM_LIMBS, "column " + j + "'s sum of squares");
    }
    return out;
  }

  /**
   * The total that the ring sum {@code ring} of {@code parties} sites' {@link #encode}d sums of {@code columns}
   * columns holds.
   *
   * @throws IllegalArgumentException when the ring is not of that length, there are more than {@link #MAX_PARTIES}
   *     parties, or its values cannot be sums of rows (a negative count or sum of squares: a site sent a bad input)
   */
  public static Standardization.Sums decode(int[] ring, int columns, int parties) {
    if (ring.length != length(columns)) {
      throw new IllegalArgumentException("column sums of " + columns + " columns are " + length(columns)
          + " ring elements, got " + ring.length);
    }
    if (parties < 1 || parties > MAX_PARTIES) {
      throw new IllegalArgumentException("column sums add up exactly for 1 to " + MAX_PARTIES + " sites, got "
          + parties);
    }
    BigInteger count = read(ring, 0, COUNT_LIMBS);
    if (count.signum() < 0 || count.bitLength() > 62) {
      throw new IllegalArgumentException("the summed row count " + count + " cannot be a count of rows");
    }
    BigInteger[] sum = new BigInteger[columns];
    BigInteger[] squares = new BigInteger[columns];
    for (int j = 0; j < columns; j++) {
      int at = COUNT_LIMBS + j * (SUM_LIMBS + SQUARE_LIMBS);
      sum[j] = read(ring, at, SUM_LIMBS);
      squares[j] = read(ring, at + SUM_LIMBS, SQUARE_LIMBS);
      if (squares[j].signum() < 0) {
        throw new IllegalArgumentException("column " + j + "'s summed squares are negative");
      }
    }
    return Standardization.Sums.of(count.longValueExact(), sum, squares);
  }

  private static void write(BigInteger value, int limbs, int[] out, int at, String what) {
    if (value.bitLength() > limbs * LIMB_BITS - SPARE_BITS) {
      throw new IllegalArgumentException(what + " is too large for the sums of a table of floats");
    }
    BigInteger twos = value.mod(BigInteger.ONE.shiftLeft(limbs * LIMB_BITS));
    for (int i = 0; i < limbs; i++) {
      out[at + i] = twos.shiftRight(i * LIMB_BITS).intValue() & 0xFFFF;
    }
  }

  /** The group of {@code limbs} limbs at {@code at}, each an unsigned 32-bit sum, as a two's complement integer. */
  private static BigInteger read(int[] ring, int at, int limbs) {
    BigInteger v = BigInteger.ZERO;
    for (int i = limbs - 1; i >= 0; i--) {
      v = v.shiftLeft(LIMB_BITS).add(BigInteger.valueOf(Integer.toUnsignedLong(ring[at + i])));
    }
    int bits = limbs * LIMB_BITS;
    v = v.mod(BigInteger.ONE.shiftLeft(bits));
    return v.testBit(bits - 1) ? v.subtract(BigInteger.ONE.shiftLeft(bits)) : v;
  }
}
