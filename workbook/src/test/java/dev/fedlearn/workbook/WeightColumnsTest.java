package dev.fedlearn.workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WeightColumnsTest {
  @Test
  void shortRunsShowEveryRoundLongOnesAtMostMax() {
    assertThat(WeightColumns.stride(19)).as("19 rounds: 20 columns, every one").isEqualTo(1);
    assertThat(WeightColumns.stride(20)).isEqualTo(2);
    assertThat(WeightColumns.stride(1000)).as("(1000 + 18) / 19").isEqualTo(53);
    for (int n = 1; n <= 3000; n++) {
      int rounds = n;
      long shown = IntStream.rangeClosed(0, rounds).filter(r -> WeightColumns.shows(r, rounds)).count();
      assertThat(shown).as("%d rounds", rounds).isLessThanOrEqualTo(WeightColumns.MAX);
      assertThat(WeightColumns.shows(0, rounds)).isTrue();
      assertThat(WeightColumns.shows(rounds, rounds)).isTrue();
    }
  }
}
