package dev.fedlearn.federation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fedlearn.federation.privacy.RdpAccountant.Spent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-client participation accounting at q = 1: counts, the most-exposed client, restoring, the Gaussian RDP. */
class ParticipationAccountantTest {
  static final double INF = Double.POSITIVE_INFINITY;

  /** The Gaussian mechanism's RDP, alpha / (2 sigma^2), composed {@code n} times and converted at {@code delta}. */
  static Spent gaussian(double sigma, long n, double delta) {
    double[] orders = RdpAccountant.DEFAULT_ORDERS;
    double[] rdp = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      rdp[i] = n * orders[i] / (2 * sigma * sigma);
    }
    return RdpAccountant.epsilon(orders, rdp, delta);
  }

  /** The same order, the same epsilon up to rounding (n * (a / 2s^2) against n * a / 2s^2). */
  static void assertSame(Spent actual, Spent expected) {
    assertThat(actual.order()).isEqualTo(expected.order());
    assertThat(actual.epsilon()).isCloseTo(expected.epsilon(), within(1e-12 * expected.epsilon()));
  }

  @Test
  void oneParticipationIsTheGaussianMechanism() {
    for (double sigma : new double[] {0.5, 1, 1.1, 3}) {
      ParticipationAccountant a = new ParticipationAccountant(sigma, 1e-5);
      double[] orders = RdpAccountant.DEFAULT_ORDERS;
      for (double order : orders) {
        assertThat(RdpAccountant.rdp(1, sigma, order)).as("sigma %s, order %s", sigma, order)
            .isEqualTo(order / (2 * sigma * sigma));
      }
      for (int n : new int[] {1, 7, 20, 500}) {
        assertSame(a.spentAfter(n), gaussian(sigma, n, 1e-5));
      }
    }
    // Sigma 1, 20 participations, delta 1e-5: 20 * 2 / 2 + log(1e5) = 31.51 at order 2.
    Spent twenty = new ParticipationAccountant(1, 1e-5).spentAfter(20);
    assertThat(twenty.order()).isEqualTo(2);
    assertThat(twenty.epsilon()).isCloseTo(20 + Math.log(1e5), within(1e-12));
  }

  @Test
  void theRunsEpsilonIsTheMostExposedClients() {
    ParticipationAccountant a = new ParticipationAccountant(1.2, 1e-6);
    assertThat(a.spent()).as("nobody took part").isEqualTo(new Spent(0, INF));
    assertThat(a.mostExposedClient()).isNull();
    a.record(List.of("b", "c"));
    a.record(List.of("c", "d"));
    a.record(List.of("a", "b", "c"));
    a.record(List.of());
    assertThat(a.rounds()).isEqualTo(4);
    assertThat(a.participations()).isEqualTo(Map.of("a", 1, "b", 2, "c", 3, "d", 1));
    assertThat(a.participations("e")).isZero();
    assertThat(a.maxParticipations()).isEqualTo(3);
    assertThat(a.mostExposedClient()).isEqualTo("c");
    assertSame(a.spent(), gaussian(1.2, 3, 1e-6));
    assertThat(a.epsilon()).isEqualTo(a.epsilon("c")).isGreaterThan(a.epsilon("b")).isGreaterThan(a.epsilon("a"));
    assertThat(a.epsilon("e")).isZero();
    for (String id : List.of("a", "b", "c", "d", "e")) {
      assertThat(a.epsilon()).as(id).isGreaterThanOrEqualTo(a.epsilon(id));
    }
    assertThat(a.maxParticipationsAfterRound(0)).isZero();
    assertThat(a.maxParticipationsAfterRound(1)).isEqualTo(1);
    assertThat(a.maxParticipationsAfterRound(2)).isEqualTo(2);
    assertThat(a.maxParticipationsAfterRound(3)).isEqualTo(3);
    assertThat(a.maxParticipationsAfterRound(4)).isEqualTo(3);
    assertThat(a.spentAfterRound(2)).isEqualTo(a.spentAfter(2));
    assertThat(a.spentAfterRound(4)).isEqualTo(a.spent());
    assertThatThrownBy(() -> a.spentAfterRound(5)).hasMessageContaining("0..4");
    // A tie goes to the smallest id, whatever the order the counts got there in.
    a.record(List.of("d", "b"));
    assertThat(a.maxParticipations()).isEqualTo(3);
    assertThat(a.mostExposedClient()).isEqualTo("b");
  }

  @Test
  void restoringFromTheRoundsIsCountingLive() {
    SplittableRandom rng = new SplittableRandom(7);
    List<List<String>> rounds = new ArrayList<>();
    ParticipationAccountant live = new ParticipationAccountant(0.9, 1e-5);
    for (int r = 0; r < 200; r++) {
      List<String> picked = new ArrayList<>();
      for (int c = 1; c <= 30; c++) {
        if (rng.nextInt(4) == 0) {
          picked.add("client-" + c);
        }
      }
      rounds.add(picked);
      live.record(picked);
    }
    ParticipationAccountant restored = ParticipationAccountant.of(0.9, 1e-5, rounds);
    assertThat(restored.participations()).isEqualTo(live.participations());
    assertThat(restored.rounds()).isEqualTo(200);
    assertThat(restored.maxParticipations()).isEqualTo(live.maxParticipations());
    assertThat(restored.mostExposedClient()).isEqualTo(live.mostExposedClient());
    assertThat(restored.spent()).isEqualTo(live.spent());
    for (int r = 0; r <= 200; r++) {
      assertThat(restored.spentAfterRound(r)).as("after round %d", r).isEqualTo(live.spentAfterRound(r));
      assertThat(restored.maxParticipationsAfterRound(r)).isEqualTo(ParticipationAccountant.of(0.9, 1e-5,
          rounds.subList(0, r)).maxParticipations());
    }
    int max = live.participations().values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(live.maxParticipations()).isEqualTo(max);
    assertSame(live.spent(), gaussian(0.9, max, 1e-5));
    assertThat(ParticipationAccountant.of(0.9, 1e-5, List.of()).spent()).isEqualTo(new Spent(0, INF));
  }

  @Test
  void noNoiseNoPrivacyAndBadInputsAreRefused() {
    ParticipationAccountant none = new ParticipationAccountant(0, 1e-5);
    assertThat(none.epsilon()).isZero();
    none.record(List.of("a"));
    assertThat(none.epsilon()).isEqualTo(INF);
    ParticipationAccountant a = new ParticipationAccountant(1, 1e-5);
    assertThatThrownBy(() -> a.record(List.of("a", "b", "a"))).hasMessageContaining("client a is listed twice");
    assertThat(a.rounds()).as("nothing recorded").isZero();
    assertThat(a.participations()).isEmpty();
    assertThatThrownBy(() -> new ParticipationAccountant(-1, 1e-5)).hasMessageContaining("noise multiplier");
    assertThatThrownBy(() -> new ParticipationAccountant(Double.NaN, 1e-5)).hasMessageContaining("noise multiplier");
    assertThatThrownBy(() -> new ParticipationAccountant(1, 0)).hasMessageContaining("delta");
    assertThatThrownBy(() -> a.spentAfter(-1)).hasMessageContaining("rounds");
  }
}
