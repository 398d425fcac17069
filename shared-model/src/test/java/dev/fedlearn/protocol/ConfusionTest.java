package dev.fedlearn.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionTest {
  @Test
  void perClassFiguresAndTheirMacroAverages() {
    // rows: true class; columns: predicted. 10 cats (8 right, 2 taken for dogs), 5 dogs (1 taken for a cat, 4 right),
    // 3 birds (all taken for dogs); nothing is ever predicted a bird.
    Confusion c = Confusion.of(List.of("cat", "dog", "bird"), new long[] {8, 2, 0, 1, 4, 0, 0, 3, 0});

    assertThat(c.counts()).containsExactly(List.of(8L, 2L, 0L), List.of(1L, 4L, 0L), List.of(0L, 3L, 0L));
    Confusion.ClassScores cat = c.perClass().get(0);
    assertThat(cat.support()).isEqualTo(10);
    assertThat(cat.precision()).isEqualTo(8.0 / 9);
    assertThat(cat.recall()).isEqualTo(0.8);
    assertThat(cat.f1()).isCloseTo(2 * (8.0 / 9) * 0.8 / (8.0 / 9 + 0.8), within(1e-15));
    Confusion.ClassScores dog = c.perClass().get(1);
    assertThat(dog.precision()).isEqualTo(4.0 / 9);
    assertThat(dog.recall()).isEqualTo(0.8);
    Confusion.ClassScores bird = c.perClass().get(2);
    assertThat(bird.precision()).as("never predicted: 0, as scikit-learn's zero_division=0").isZero();
    assertThat(bird.recall()).isZero();
    assertThat(bird.f1()).isZero();
    assertThat(c.macroPrecision()).isCloseTo((8.0 / 9 + 4.0 / 9) / 3, within(1e-15));
    assertThat(c.macroRecall()).isCloseTo(1.6 / 3, within(1e-15));
    assertThat(c.macroF1()).isCloseTo((cat.f1() + dog.f1()) / 3, within(1e-15));
  }

  @Test
  void refusesCountsOfAnotherShape() {
    assertThatThrownBy(() -> Confusion.of(List.of("a", "b"), new long[3])).isInstanceOf(IllegalArgumentException.class);
    assertThat(Confusion.numbered(3)).containsExactly("0", "1", "2");
  }
}
