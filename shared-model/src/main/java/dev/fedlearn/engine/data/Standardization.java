package dev.fedlearn.engine.data;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * Each input column's mean and standard deviation: a table's network input is {@code (value - mean) / std}. A run
 * computes them from its sites' {@link Sums} (a site's count, sums and sums of squares), never from one site's
 * rows; a column with no spread (its variance below the sums' rounding) keeps a standard deviation of 1. Equal when
 * every mean and deviation is.
 */
public record Standardization(float[] mean, float[] std) {
  public Standardization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("a mean and a standard deviation for each of at least one column, got "
          + mean.length + " and " + std.length);
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Float.isFinite(mean[j]) || !Float.isFinite(std[j]) || !(std[j] > 0)) {
        throw new IllegalArgumentException("column " + j + ": mean " + mean[j] + " and standard deviation "
            + std[j] + " must be finite, the deviation positive");
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The standardization that changes nothing: means 0, deviations 1. */
  public static Standardization identity(int columns) {
    float[] ones = new float[columns];
    Arrays.fill(ones, 1f);
    return new Standardization(new float[columns], ones);
  }

  public int columns() {
    return mean.length;
  }

  /**
   * Row-major values of {@link #columns()} columns, standardized into a new array (in double, then rounded).
   *
   * @throws IllegalArgumentException when a value lies so far out that its standardized value is not a float
   */
  public float[] apply(float[] values) {
    int d = mean.length;
    if (values.length % d != 0) {
      throw new IllegalArgumentException(values.length + " values are not rows of " + d + " columns");
    }
    float[] x = new float[values.length];
    for (int i = 0; i < values.length; i += d) {
      for (int j = 0; j < d; j++) {
        float z = (float) (((double) values[i + j] - mean[j]) / std[j]);
        if (!Float.isFinite(z)) {
          throw new IllegalArgumentException("column " + j + ": the value " + values[i + j] + " is beyond the float "
              + "range once standardized by mean " + mean[j] + " and deviation " + std[j]);
        }
        x[i + j] = z;
      }
    }
    return x;
  }

  /** The same samples with their inputs standardized. */
  public Features apply(Features f) {
    return new Features(apply(f.x()), f.labels(), f.dim(), f.classes());
  }

  /**
   * The mean and the (population) standard deviation of every column of the sites' rows taken together, from their
   * {@linkplain Sums#total exact total}: any order of the sites gives the same bits.
   */
  public static Standardization of(List<Sums> sites) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("no site's sums to standardize by");
    }
    Sums total = Sums.total(sites);
    if (total.count() < 1) {
      throw new IllegalArgumentException("no rows to standardize by");
    }
    int d = total.sum().length;
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      double m = total.sum()[j] / total.count();
      double meanSquare = total.sumSquares()[j] / total.count();
      double variance = meanSquare - m * m;
      // Below 1e-14 of the mean square, the variance is the rounding of the sums: the column does not vary.
      float sd = variance > 1e-14 * meanSquare ? (float) Math.sqrt(variance) : 0f;
      mean[j] = (float) m;
      std[j] = sd > 0 && Float.isFinite(sd) ? sd : 1f;
    }
    return new Standardization(mean, std);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Standardization[" + mean.length + " columns]";
  }

  /**
   * What a site tells of its rows: how many, and each column's sum and sum of squares (in double). Summed over sites
   * they give the run's {@link Standardization}; one site's alone tells its column means.
   */
  public record Sums(long count, double[] sum, double[] sumSquares) {
    public Sums {
      if (count < 0 || sum.length != sumSquares.length) {
        throw new IllegalArgumentException("a count of at least 0 and as many sums as sums of squares, got "
            + count + ", " + sum.length + " and " + sumSquares.length);
      }
      for (int j = 0; j < sum.length; j++) {
        if (!Double.isFinite(sum[j]) || !Double.isFinite(sumSquares[j]) || sumSquares[j] < 0) {
          throw new IllegalArgumentException("column " + j + ": the sum and the sum of squares must be finite, the "
              + "sum of squares not negative");
        }
      }
      sum = sum.clone();
      sumSquares = sumSquares.clone();
    }

    /**
     * A sum of floats is a whole multiple of {@code 2^-SUM_SHIFT} (the smallest float), a sum of their squares (each
     * exact in double) of {@code 2^-SQUARE_SHIFT}: scaled by these, a site's sums are integers, added exactly.
     */
    public static final int SUM_SHIFT = 149;
    public static final int SQUARE_SHIFT = 2 * SUM_SHIFT;

    /**
     * {@code v * 2^shift} (finite {@code v}, {@code shift} at least 0) as an integer, rounded to the nearest, ties to
     * even: exact for the sums of a site's floats. From the double's bits, {@code v = m * 2^e} with a 53-bit {@code m}.
     */
    public static BigInteger scaled(double v, int shift) {
      long bits = Double.doubleToRawLongBits(v);
      int exponent = (int) ((bits >>> 52) & 0x7ff);
      long m = bits & ((1L << 52) - 1);
      if (exponent != 0) {
        m |= 1L << 52;
      }
      int e = Math.max(exponent, 1) - 1075 + shift;
      long magnitude;
      if (e >= 0) {
        BigInteger whole = BigInteger.valueOf(m).shiftLeft(e);
        return v < 0 ? whole.negate() : whole;
      } else if (-e >= 63) {
        magnitude = 0; // below 2^-10 of the unit: rounds to 0
      } else {
        long q = m >>> -e;
        long rest = m & ((1L << -e) - 1);
        long half = 1L << (-e - 1);
        magnitude = rest > half || (rest == half && (q & 1) == 1) ? q + 1 : q;
      }
      return BigInteger.valueOf(v < 0 ? -magnitude : magnitude);
    }

    /** {@code k * 2^-shift} rounded once to the nearest double. */
    public static double unscaled(BigInteger k, int shift) {
      return Math.scalb(k.doubleValue(), -shift); // exact scaling: every result is far above the subnormals
    }

    /**
     * The sites' rows together: each column's sums added exactly ({@link #scaled}) and rounded once, so that the total
     * does not depend on the order of the sites, and equals what secure aggregation unmasks from the same sums.
     */
    public static Sums total(List<Sums> sites) {
      int d = sites.get(0).sum.length;
      long count = 0;
      BigInteger[] sum = new BigInteger[d];
      BigInteger[] squares = new BigInteger[d];
      Arrays.fill(sum, BigInteger.ZERO);
      Arrays.fill(squares, BigInteger.ZERO);
      for (Sums s : sites) {
        if (s.sum.length != d) {
          throw new IllegalArgumentException("sums of " + s.sum.length + " columns added to sums of " + d);
        }
        count = Math.addExact(count, s.count);
        for (int j = 0; j < d; j++) {
          sum[j] = sum[j].add(scaled(s.sum[j], SUM_SHIFT));
          squares[j] = squares[j].add(scaled(s.sumSquares[j], SQUARE_SHIFT));
        }
      }
      return of(count, sum, squares);
    }

    /** The sums whose scaled values ({@link #scaled}) are {@code sum} and {@code squares}, each rounded once. */
    public static Sums of(long count, BigInteger[] sum, BigInteger[] squares) {
      double[] s = new double[sum.length];
      double[] q = new double[squares.length];
      for (int j = 0; j < s.length; j++) {
        s[j] = unscaled(sum[j], SUM_SHIFT);
        q[j] = unscaled(squares[j], SQUARE_SHIFT);
      }
      return new Sums(count, s, q);
    }

    /** The sums of a table's rows. */
    public static Sums of(Dataset table) {
      int d = table.dim();
      double[] sum = new double[d];
      double[] squares = new double[d];
      for (int i = 0; i < table.size(); i++) {
        for (int j = 0; j < d; j++) {
          double v = table.value(i, j);
          sum[j] += v;
          squares[j] += v * v;
        }
      }
      return new Sums(table.size(), sum, squares);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sums s && count == s.count && Arrays.equals(sum, s.sum)
          && Arrays.equals(sumSquares, s.sumSquares);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(count) * 31 + Arrays.hashCode(sum) * 17 + Arrays.hashCode(sumSquares);
    }

    @Override
    public String toString() {
      return "Sums[" + count + " rows of " + sum.length + " columns]";
    }
  }
}
