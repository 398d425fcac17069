package dev.fedlearn.federation.secagg;

import dev.fedlearn.protocol.KeyAdvertisement;
import dev.fedlearn.protocol.UnmaskingShares;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What the server receives from one client looks uniform and says nothing about the input: one client's masked input
 * for a 16,000-long input of a fixed pattern (all zeros, a ramp) passes a chi-square test of uniformity on its top and
 * low 8 bits, is uncorrelated with the input, and two runs with the same input give unrelated masked inputs. Each
 * of its two masks hides the input alone: the self mask once the pairwise masks are known, the pairwise masks once
 * the self-mask seed is revealed (as it is for every survivor).
 */
class MaskUniformityTest {
  /** A model-sized input. */
  static final int LENGTH = 16_000;
  /** Bins of 8 bits. */
  static final int BINS = 256;
  /**
   * The chi-square distribution's 0.999 quantile for 255 degrees of freedom, the critical value at significance
   * 0.001: 330.5197 ({@code scipy.stats.chi2.ppf(0.999, 255)}; the Wilson-Hilferty approximation gives 330.55).
   */
  static final double CHI_SQUARE_255_AT_0_001 = 330.52;
  /** Five standard deviations of the sample correlation of {@value #LENGTH} independent pairs, {@code 1/sqrt(n)}. */
  static final double MAX_CORRELATION = 5 / Math.sqrt(LENGTH);

  /** Client "b"'s masked input among three clients, with the randomness of {@code seed}. */
  static int[] maskedInput(int[] input, long seed) {
    int[] before = input.clone();
    Federation f = new Federation(3, 2, Federation.seeded(seed), "a", "b", "c").advertise().shareKeys();
    int[] y = f.mask("b", input);
    assertThat(input).as("the input is not modified").isEqualTo(before);
    return y;
  }

  static int[] ramp() {
    int[] x = new int[LENGTH];
    for (int j = 0; j < LENGTH; j++) {
      x[j] = j;
    }
    return x;
  }

  static double chiSquare(int[] values, IntUnaryOperator bin) {
    int[] counts = new int[BINS];
    for (int v : values) {
      counts[bin.applyAsInt(v)]++;
    }
    double expected = (double) values.length / BINS;
    double chi = 0;
    for (int c : counts) {
      chi += (c - expected) * (c - expected) / expected;
    }
    return chi;
  }

  static double correlation(int[] a, int[] b) {
    double ma = 0;
    double mb = 0;
    for (int j = 0; j < a.length; j++) {
      ma += a[j];
      mb += b[j];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int j = 0; j < a.length; j++) {
      sab += (a[j] - ma) * (b[j] - mb);
      saa += (a[j] - ma) * (a[j] - ma);
      sbb += (b[j] - mb) * (b[j] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  static void assertUniform(int[] y, String what) {
    assertThat(chiSquare(y, v -> v >>> 24)).as("%s, top 8 bits", what).isLessThan(CHI_SQUARE_255_AT_0_001);
    assertThat(chiSquare(y, v -> v & 0xff)).as("%s, low 8 bits", what).isLessThan(CHI_SQUARE_255_AT_0_001);
  }

  @Test
  void theTestsSeeAnUnmaskedInput() {
    assertThat(chiSquare(new int[LENGTH], v -> v >>> 24)).isGreaterThan(CHI_SQUARE_255_AT_0_001);
    assertThat(chiSquare(new int[LENGTH], v -> v & 0xff)).isGreaterThan(CHI_SQUARE_255_AT_0_001);
    assertThat(chiSquare(ramp(), v -> v >>> 24)).isGreaterThan(CHI_SQUARE_255_AT_0_001);
    assertThat(correlation(ramp(), ramp())).isGreaterThan(MAX_CORRELATION);
  }

  @Test
  void aMaskedZeroInputLooksUniform() {
    int[] y = maskedInput(new int[LENGTH], 1);
    assertUniform(y, "masked zeros");
  }

  @Test
  void aMaskedRampLooksUniformAndIsUncorrelatedWithTheRamp() {
    int[] ramp = ramp();
    int[] y = maskedInput(ramp, 2);
    assertUniform(y, "masked ramp");
    assertThat(Math.abs(correlation(ramp, y))).isLessThan(MAX_CORRELATION);
  }

  @Test
  void twoRunsWithTheSameInputGiveUnrelatedMaskedInputs() {
    int[] ramp = ramp();
    int[] first = maskedInput(ramp, 3);
    int[] second = maskedInput(ramp, 4);
    assertThat(Math.abs(correlation(first, second))).isLessThan(MAX_CORRELATION);
    int same = 0;
    int[] difference = new int[LENGTH];
    for (int j = 0; j < LENGTH; j++) {
      same += first[j] == second[j] ? 1 : 0;
      difference[j] = first[j] - second[j];
    }
    assertThat(same).as("equal ints at one position (4e-6 expected)").isLessThanOrEqualTo(1);
    assertUniform(difference, "difference of two runs");
  }

  /** One client's secret, from the shares in some clients' round-3 answers. */
  static byte[] reconstruct(List<UnmaskingShares> answers, String owner, boolean selfMask, int threshold) {
    List<Shamir.Share> shares = new ArrayList<>();
    for (UnmaskingShares a : answers) {
      shares.add(Shamir.Share.fromBytes((selfMask ? a.selfMaskShares() : a.secretKeyShares()).get(owner)));
    }
    return Shamir.combine(shares, threshold, Crypto.KEY_BYTES);
  }

  @Test
  void eachMaskAloneHidesTheInput() {
    int round = 5;
    int threshold = 2;
    Federation f = new Federation(round, threshold, Federation.seeded(5), "a", "b", "c", "d", "e").advertise()
        .shareKeys();
    int[] ramp = ramp();
    int[] y = f.mask("b", ramp);
    for (String id : List.of("a", "c", "d", "e")) {
      f.mask(id, new int[LENGTH]);
    }
    List<String> all = List.of("a", "b", "c", "d", "e");
    List<String> withoutB = List.of("a", "c", "d", "e");
    byte[] seed = reconstruct(List.of(f.client("a").unmask(all), f.client("c").unmask(all)), "b", true, threshold);
    byte[] secretKey = reconstruct(List.of(f.client("d").unmask(withoutB), f.client("e").unmask(withoutB)), "b",
        false, threshold);

    int[] pairwiseOnly = y.clone();
    MaskPrg.apply(Crypto.derive(seed, Crypto.SELF_LABEL, round, "b"), -1, pairwiseOnly);
    assertUniform(pairwiseOnly, "masked ramp without its self mask");
    assertThat(Math.abs(correlation(ramp, pairwiseOnly))).isLessThan(MAX_CORRELATION);

    int[] selfOnly = y.clone();
    for (KeyAdvertisement other : f.u1) {
      if (!other.clientId().equals("b")) {
        byte[] s = Crypto.agree(secretKey, other.sPublicKey(), other.clientId());
        MaskPrg.apply(Crypto.derive(s, Crypto.MASK_LABEL, round, Crypto.sorted("b", other.clientId())),
            "b".compareTo(other.clientId()) < 0 ? -1 : 1, selfOnly);
      }
    }
    assertUniform(selfOnly, "masked ramp without its pairwise masks");
    assertThat(Math.abs(correlation(ramp, selfOnly))).isLessThan(MAX_CORRELATION);

    MaskPrg.apply(Crypto.derive(seed, Crypto.SELF_LABEL, round, "b"), -1, selfOnly);
    assertThat(selfOnly).as("a server that tells some clients b survived and others that it dropped gets both "
        + "secrets and b's input: the semi-honest variant trusts the server about U3").isEqualTo(ramp);
  }
}
