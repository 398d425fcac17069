package dev.fedlearn.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModelRetentionTest {
  @Test
  void shortRunsKeepEveryRoundLongOnesAtMostMax() {
    assertThat(ModelRetention.stride(19)).as("19 rounds: 20 models, every one").isEqualTo(1);
    assertThat(ModelRetention.stride(20)).isEqualTo(2);
    assertThat(ModelRetention.stride(1000)).as("(1000 + 18) / 19").isEqualTo(53);
    for (int n = 1; n <= 3000; n++) {
      int rounds = n;
      long kept = IntStream.rangeClosed(0, rounds).filter(r -> ModelRetention.keeps(r, rounds)).count();
      assertThat(kept).as("%d rounds", rounds).isLessThanOrEqualTo(ModelRetention.MAX);
      assertThat(ModelRetention.keeps(0, rounds)).isTrue();
      assertThat(ModelRetention.keeps(rounds, rounds)).isTrue();
    }
  }
}
