package dev.fedlearn.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.engine.data.Dataset;
import dev.fedlearn.engine.data.Standardization;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColumnSumsTest {
  /** A site's sums of {@code rows} rows of floats drawn over many magnitudes, some negative, some huge, some tiny. */
  private static Standardization.Sums site(SplittableRandom random, int rows, int columns) {
    float[] x = new float[rows * columns];
    for (int i = 0; i < x.length; i++) {
      double magnitude = Math.pow(10, random.nextInt(-44, 38));
      x[i] = (float) ((random.nextBoolean() ? -1 : 1) * random.nextDouble() * magnitude);
    }
    x[0] = Float.MAX_VALUE;
    x[1] = Float.MIN_VALUE;
    return Standardization.Sums.of(Dataset.table(x, new byte[rows], columns, 2));
  }

  /** The ring sum of the sites' encodings, as secure aggregation unmasks it. */
  private static int[] ringSum(List<Standardization.Sums> sites) {
    int[] sum = new int[ColumnSums.length(sites.get(0).sum().length)];
    for (Standardization.Sums s : sites) {
      int[] e = ColumnSums.encode(s);
      for (int j = 0; j < sum.length; j++) {
        sum[j] += e[j];
      }
    }
    return sum;
  }

  @Test
  void theRingSumDecodesToTheExactTotalOfTheSitesSums() {
    SplittableRandom random = new SplittableRandom(7);
    List<Standardization.Sums> sites = new ArrayList<>();
    for (int k = 0; k < 9; k++) {
      sites.add(site(random, 1 + random.nextInt(40), 5));
    }
    Standardization.Sums total = ColumnSums.decode(ringSum(sites), 5, sites.size());
    assertThat(total).isEqualTo(Standardization.Sums.total(sites));
    assertThat(total.count()).isEqualTo(sites.stream().mapToLong(Standardization.Sums::count).sum());
    assertThat(Standardization.of(List.of(total))).isEqualTo(Standardization.of(sites));
  }

  @Test
  void theTotalIsTheSameInAnyOrderEvenWhereDoubleAdditionIsNot() {
    Standardization.Sums big = new Standardization.Sums(1, new double[] {1e16}, new double[] {1e32});
    Standardization.Sums one = new Standardization.Sums(1, new double[] {1}, new double[] {1});
    Standardization.Sums minus = new Standardization.Sums(1, new double[] {-1e16}, new double[] {1e32});
    assertThat((1e16 + 1) - 1e16).as("double addition loses the 1").isNotEqualTo(1.0);
    assertThat(Standardization.Sums.total(List.of(big, one, minus)).sum()).containsExactly(1);
    assertThat(Standardization.Sums.total(List.of(one, minus, big))).isEqualTo(Standardization.Sums.total(
        List.of(big, one, minus)));
    assertThat(ColumnSums.decode(ringSum(List.of(big, one, minus)), 1, 3).sum()).containsExactly(1);
  }

  @Test
  void refusesWhatNoRowsOfFloatsCanSumTo() {
    assertThatThrownBy(() -> ColumnSums.encode(new Standardization.Sums(1, new double[] {1e300}, new double[] {0})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 0's sum is too large");
    int[] ring = ColumnSums.encode(new Standardization.Sums(3, new double[] {1}, new double[] {1}));
    ring[ring.length - 1] = 0x8000; // the sign bit of the sum of squares
    assertThatThrownBy(() -> ColumnSums.decode(ring, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("summed squares are negative");
    assertThatThrownBy(() -> ColumnSums.decode(new int[3], 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("63 ring elements, got 3");
    assertThatThrownBy(() -> ColumnSums.decode(new int[63], 1, ColumnSums.MAX_PARTIES + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 65536 sites");
  }
}
