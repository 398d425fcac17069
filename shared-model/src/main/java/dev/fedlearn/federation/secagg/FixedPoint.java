package dev.fedlearn.federation.secagg;

import java.util.Arrays;
import java.util.Objects;

/**
 * Fixed-point encoding of sample-weighted weights in the ring {@code Z_2^32}, so that the ring sum secure aggregation
 * gives is FedAvg's weighted mean. A client with {@code n} samples clips each weight to {@code [-bound, bound]} and
 * sends {@code round(n * w_j * S)} for every weight {@code j}, then {@code n}. The sum over the clients, read as
 * signed ints, is the sum of those rounded terms exactly, because {@link #scale} picks {@code S} small enough that it
 * stays within {@code [-(2^31 - 1), 2^31 - 1]}; divided by {@code S} and the summed {@code n} it is the weighted mean
 * of the clipped weights, within {@link #errorBound}.
 */
public final class FixedPoint {
  /** The largest signed int, {@code 2^31 - 1}: no encoded sum may go beyond it either way. */
  private static final double RING_MAX = Integer.MAX_VALUE;
  /**
   * The most by which one client's encoded term is off {@code n * w * S}: half a unit from rounding to the nearest
   * integer, and {@code 2^-22} from the double product {@code n * w} (55 significant bits, at most {@code 2^31} in
   * magnitude, rounded to 53 bits).
   */
  private static final double TERM_ERROR = 0.5 + 0x1p-22;
  /**
   * The decoded mean's rounding relative to its magnitude: {@code 2^-24} converting to float plus {@code 2^-53} for
   * the double division, rounded up to {@code 2^-23}.
   */
  private static final double MEAN_ROUNDING = 0x1p-23;

  private FixedPoint() {}

  /**
   * The result of decoding a ring sum: the sample-weighted mean of the clipped weights, and the total sample count.
   * Equal when the count and every element of the mean are; {@link #toString} gives the mean's length.
   */
  public record Decoded(float[] mean, long samples) {
    public Decoded {
      Objects.requireNonNull(mean, "mean");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Decoded d && samples == d.samples && Arrays.equals(mean, d.mean);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(mean), samples);
    }

    @Override
    public String toString() {
      return "Decoded[mean=float[" + mean.length + "], samples=" + samples + "]";
    }
  }

  /**
   * The scale for inputs whose weights are clipped to {@code [-bound, bound]} and whose sample counts sum to at most
   * {@code totalSamples}: the largest power of two {@code S} with {@code totalSamples * (bound * S + 1/2) <= 2^31 -
   * 1}. Each client's term is at most {@code n * bound * S} rounded, so at most {@code n * bound * S + 1/2} in
   * magnitude (a client with no samples sends exactly 0), and the sum of the terms never wraps; the half also keeps
   * the summed counts below {@code 2^32}.
   *
   * @throws IllegalArgumentException if the bound is not positive and finite, the total is below 1, or no power of
   *     two from 1 up meets the rule (lower the bound or the total sample count)
   */
  public static double scale(double bound, long totalSamples) {
    if (!(bound > 0) || !Double.isFinite(bound)) {
      throw new IllegalArgumentException("the clipping bound must be a positive number, got " + bound);
    }
    if (totalSamples < 1) {
      throw new IllegalArgumentException("the total sample count must be 1 or more, got " + totalSamples);
    }
    double limit = (RING_MAX / totalSamples - 0.5) / bound;
    if (!(limit >= 1)) {
      throw new IllegalArgumentException("no fixed-point scale keeps " + totalSamples + " samples with weights up to "
          + bound + " within 32 bits; lower the clipping bound or the total sample count");
    }
    double s = Math.scalb(1.0, Math.min(Math.getExponent(limit), Double.MAX_EXPONENT - 1));
    while (s > 1 && totalSamples * (bound * s + 0.5) > RING_MAX) {
      s /= 2;
    }
    return s;
  }

  /**
   * Clips each weight to {@code [-bound, bound]} and returns {@code weights.length + 1} ints: {@code round(samples *
   * w_j * scale)} mod {@code 2^32} for each weight (to nearest, ties to even), then {@code samples} itself.
   *
   * @throws IllegalArgumentException if a weight is not finite (the training diverged), the sample count is
   *     negative, the bound or the scale is not positive, or one client's term could exceed {@code 2^31 - 1} (the
   *     scale was not made for this many samples)
   */
  public static int[] encode(float[] weights, int samples, float bound, double scale) {
    if (!(bound > 0) || !Float.isFinite(bound)) {
      throw new IllegalArgumentException("the clipping bound must be a positive number, got " + bound);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("the scale must be a positive number, got " + scale);
    }
    if (samples < 0) {
      throw new IllegalArgumentException("the sample count must be 0 or more, got " + samples);
    }
    if (samples * (bound * scale + 0.5) > RING_MAX) {
      throw new IllegalArgumentException(samples + " samples with weights up to " + bound + " at scale " + scale
          + " exceed 32 bits; the scale must come from scale(bound, totalSamples) for the round's total");
    }
    int[] out = new int[weights.length + 1];
    for (int j = 0; j < weights.length; j++) {
      float w = weights[j];
      if (!Float.isFinite(w)) {
        throw new IllegalArgumentException("weight " + j + " is " + w + " (the training diverged)");
      }
      float clipped = Math.max(-bound, Math.min(bound, w));
      out[j] = (int) Math.rint((double) samples * clipped * scale);
    }
    out[weights.length] = samples;
    return out;
  }

  /**
   * Decodes a ring sum of {@link #encode}d inputs: the last element is the total sample count (an unsigned int), each
   * other one a signed int divided by {@code scale} and the total.
   *
   * @throws SecAggException if the total sample count is 0
   * @throws IllegalArgumentException if the sum is empty or the scale is not positive
   */
  public static Decoded decode(int[] sum, double scale) {
    if (sum.length == 0) {
      throw new IllegalArgumentException("an encoded sum ends with its sample count, this one is empty");
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("the scale must be a positive number, got " + scale);
    }
    long total = Integer.toUnsignedLong(sum[sum.length - 1]);
    if (total == 0) {
      throw new SecAggException("the aggregate's total sample count is 0, so it has no mean");
    }
    double divisor = scale * total;
    float[] mean = new float[sum.length - 1];
    for (int j = 0; j < mean.length; j++) {
      mean[j] = (float) (sum[j] / divisor);
    }
    return new Decoded(mean, total);
  }

  /**
   * The worst-case absolute error of one coordinate of the {@link #decode}d mean against the exact weighted mean of
   * the clipped weights, for {@code parties} clients with samples whose counts sum to {@code totalSamples}:
   * {@code (parties * (1/2 + 2^-22) + 256) / (scale * totalSamples)}, plus the smallest float.
   *
   * <p>Each client's term is within {@code 1/2 + 2^-22} of {@code n * w * S} (rounding to an integer, and the double
   * product), so the integer sum is within {@code parties} times that of {@code S} times the exact weighted sum, and
   * dividing by {@code S * totalSamples} gives the first part. The sum is a signed int, so the quotient is at most
   * {@code 2^31 / (S * totalSamples)} in magnitude, and dividing in double and converting to float change it by at
   * most {@code 2^-23} of that: {@code 256 / (S * totalSamples)}; the smallest float covers a subnormal result.
   */
  public static double errorBound(int parties, double scale, long totalSamples) {
    if (parties < 0) {
      throw new IllegalArgumentException("the number of parties must be 0 or more, got " + parties);
    }
    if (!(scale > 0) || totalSamples < 1) {
      throw new IllegalArgumentException("the scale and the total sample count must be positive, got " + scale
          + " and " + totalSamples);
    }
    double st = scale * totalSamples;
    return (parties * TERM_ERROR + MEAN_ROUNDING * 0x1p31) / st + Float.MIN_VALUE;
  }
}
