package dev.fedlearn.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplingAndScoresTest {
  /** Sums in double of a few terms: exact to double rounding. */
  static final double DOUBLE_ROUNDING = 1e-12;

  private static final List<String> FOUR = List.of("client-1", "client-2", "client-3", "client-4");

  @Test
  void countIsFlowersMaxOfMinimumAndFraction() {
    assertThat(new ClientSampler(0.5, 1).count(4)).isEqualTo(2);
    assertThat(new ClientSampler(0.5, 1).count(5)).isEqualTo(2); // floor(2.5)
    assertThat(new ClientSampler(0.1, 1).count(4)).isEqualTo(1); // floor(0.4) = 0, the minimum is one
    assertThat(new ClientSampler(0.1, 3).count(4)).isEqualTo(3);
    assertThat(new ClientSampler(0.5, 9).count(4)).isEqualTo(4);
    assertThat(ClientSampler.ALL.count(4)).isEqualTo(4);
  }

  @Test
  void theSameSeedPicksTheSameClients() {
    ClientSampler half = new ClientSampler(0.5, 1);
    Set<List<String>> seen = new HashSet<>();
    for (int round = 1; round <= 20; round++) {
      List<String> picked = half.pick(FOUR, round, 42);
      assertThat(picked).hasSize(2).isSorted().isSubsetOf(FOUR);
      assertThat(half.pick(FOUR, round, 42)).isEqualTo(picked);
      List<String> reversed = new ArrayList<>(FOUR);
      java.util.Collections.reverse(reversed);
      assertThat(half.pick(reversed, round, 42)).as("the order of the list does not matter").isEqualTo(picked);
      seen.add(picked);
    }
    assertThat(seen).as("rounds draw afresh").hasSizeGreaterThan(1);
    boolean differs = false;
    for (int round = 1; round <= 20; round++) {
      differs |= !half.pick(FOUR, round, 43).equals(half.pick(FOUR, round, 42));
    }
    assertThat(differs).as("another seed draws other clients").isTrue();
  }

  @Test
  void everyClientWhenAllArePickedAndDuplicatesAreRefused() {
    assertThat(ClientSampler.ALL.pick(List.of("b", "a", "c"), 1, 42)).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> ClientSampler.ALL.pick(List.of("a", "a"), 1, 42)).hasMessageContaining("twice");
    assertThatThrownBy(() -> new ClientSampler(0, 1)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new ClientSampler(1.5, 1)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new ClientSampler(0.5, 0)).hasMessageContaining("at least 1");
  }

  @Test
  void clientScoresAreWeightedBySamples() {
    // accuracy (300*0.9 + 100*0.5) / 400 = 0.8; loss (300*0.2 + 100*1.0) / 400 = 0.4
    Evaluations.Mean m = Evaluations.weighted(List.of(new Evaluations.Score(300, 0.2, 0.9),
        new Evaluations.Score(100, 1.0, 0.5)));
    assertThat(m.samples()).isEqualTo(400);
    assertThat(m.accuracy()).isCloseTo(0.8, offset(DOUBLE_ROUNDING));
    assertThat(m.loss()).isCloseTo(0.4, offset(DOUBLE_ROUNDING));
    assertThat(Evaluations.weighted(List.of())).isEqualTo(new Evaluations.Mean(0, 0, 0));
    assertThatThrownBy(() -> Evaluations.weighted(List.of(new Evaluations.Score(-1, 0, 0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attacksPoisonTheUpdate() {
    float[] g = {1, 2};
    float[] w = {1.5f, 1};
    // signflip: g - (w - g) = (0.5, 3); scale:10: g + 10 (w - g) = (6, -8)
    assertThat(Attack.parse("signflip").apply(g, w, 42, "c", 1)).containsExactly(0.5f, 3f);
    assertThat(Attack.parse("scale:10").apply(g, w, 42, "c", 1)).containsExactly(6f, -8f);
    assertThat(Attack.parse("none").apply(g, w, 42, "c", 1)).containsExactly(w);
    float[] noisy = Attack.parse("noise:1").apply(g, w, 42, "c", 1);
    assertThat(noisy).isNotEqualTo(w).containsExactly(Attack.parse("noise:1").apply(g, w, 42, "c", 1));
    assertThat(Attack.parse("noise:1").apply(g, w, 42, "c", 2)).isNotEqualTo(noisy);
    assertThat(Attack.parse("noise:0").apply(g, w, 42, "c", 1)).containsExactly(w);
    assertThat(Attack.parse(" Scale:100 ").toString()).isEqualTo("scale:100.0");
    assertThat(w).containsExactly(1.5f, 1f);
    assertThatThrownBy(() -> Attack.parse("flip")).hasMessageContaining("none, signflip, scale:F, noise:SIGMA");
    assertThatThrownBy(() -> Attack.parse("scale")).hasMessageContaining("needs an amount");
    assertThatThrownBy(() -> Attack.parse("signflip:2")).hasMessageContaining("takes no amount");
    assertThatThrownBy(() -> Attack.parse("noise:-1")).hasMessageContaining("SIGMA of 0 or more");
    assertThatThrownBy(() -> Attack.parse("scale:x")).hasMessageContaining("not a number");
  }
}
