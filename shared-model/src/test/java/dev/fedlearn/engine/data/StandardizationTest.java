package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandardizationTest {
  /** Rows of columns with very different scales and offsets, as a medical table has (areas near 1000, ratios). */
  private static Dataset table(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] values = new float[rows * 3];
    byte[] labels = new byte[rows];
    for (int i = 0; i < rows; i++) {
      values[i * 3] = (float) (1000 + 300 * rng.nextDouble());
      values[i * 3 + 1] = (float) (0.05 + 0.01 * rng.nextDouble());
      values[i * 3 + 2] = 7f; // no spread
      labels[i] = (byte) rng.nextInt(2);
    }
    return Dataset.table(values, labels, 3, 2);
  }

  @Test
  void theSitesSumsGiveTheCentralMeanAndDeviation() {
    Dataset all = table(1000, 1);
    List<Dataset> sites = List.of(all.subset(range(0, 137)), all.subset(range(137, 600)), all.subset(range(600, 1000)));

    Standardization federated = Standardization.of(sites.stream().map(Standardization.Sums::of).toList());

    for (int j = 0; j < 2; j++) { // two passes over the rows in double: the central figures
      double mean = 0;
      for (int i = 0; i < all.size(); i++) {
        mean += all.value(i, j);
      }
      mean /= all.size();
      double variance = 0;
      for (int i = 0; i < all.size(); i++) {
        variance += (all.value(i, j) - mean) * (all.value(i, j) - mean);
      }
      double sd = Math.sqrt(variance / all.size());
      assertThat((double) federated.mean()[j]).isCloseTo(mean, within(1e-6 * Math.abs(mean)));
      assertThat((double) federated.std()[j]).isCloseTo(sd, within(1e-4 * sd)); // tolerance: 0.01% of the deviation
    }
    assertThat(federated.mean()[2]).isEqualTo(7f);
    assertThat(federated.std()[2]).isEqualTo(1f); // a column without spread is only centred
    float[] z = federated.apply(new float[] {federated.mean()[0] + federated.std()[0], federated.mean()[1], 9f});
    assertThat(z[0]).isCloseTo(1f, within(1e-6f));
    assertThat(z[1]).isEqualTo(0f);
    assertThat(z[2]).isEqualTo(2f);
  }

  @Test
  void sumsAddUpExactlyAndInAnyGroupingOfWholeNumbers() {
    Dataset all = Dataset.table(new float[] {1, 2, 3, 4, 5, 6}, new byte[] {0, 1, 0}, 2, 2);
    Standardization.Sums sums = Standardization.Sums.of(all);
    assertThat(sums.count()).isEqualTo(3);
    assertThat(sums.sum()).containsExactly(9, 12);
    assertThat(sums.sumSquares()).containsExactly(35, 56);
    assertThat(Standardization.Sums.total(List.of(Standardization.Sums.of(all.subset(new int[] {0})),
        Standardization.Sums.of(all.subset(new int[] {1, 2}))))).isEqualTo(sums);
  }

  @Test
  void refusesSumsThatCannotBeARowsAndNoSites() {
    assertThatThrownBy(() -> new Standardization.Sums(-1, new double[1], new double[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Standardization.Sums(1, new double[] {Double.NaN}, new double[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Standardization.Sums(1, new double[1], new double[] {-1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Standardization.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Standardization.of(List.of(new Standardization.Sums(1, new double[1], new double[1]),
        new Standardization.Sums(1, new double[2], new double[2])))).isInstanceOf(IllegalArgumentException.class);
  }

  private static int[] range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).toArray();
  }

  @Test
  void aColumnFarFromZeroKeepsItsSmallSpread() {
    // Timestamps near 1.7e9 spread over 0..1000: a deviation of about 289, not a constant column.
    float[] values = new float[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1.7e9f + i * 128; // floats near 1.7e9 are 128 apart
    }
    Standardization s = Standardization.of(List.of(Standardization.Sums.of(Dataset.table(values, new byte[1000], 1,
        2))));
    assertThat((double) s.std()[0]).isCloseTo(128 * Math.sqrt((1000.0 * 1000 - 1) / 12), within(1.0));
    float[] z = s.apply(new float[] {values[0], values[999]});
    assertThat(z[0]).isCloseTo(-1.73f, within(0.01f));
    assertThat(z[1]).isCloseTo(1.73f, within(0.01f));
  }
}
