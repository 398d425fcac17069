package dev.fedlearn.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.fedlearn.engine.nn.LayerSizes;
import dev.fedlearn.engine.nn.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StrategiesTest {
  /** The strategies compute in double and round once to float: they agree with hand arithmetic to float rounding. */
  static final float FLOAT_ROUNDING = 1e-6f;

  /** The smallest network: 1 input, 2 classes, so 2 weights and 2 biases. */
  private static final LayerSizes TWO = LayerSizes.of(1, 2);

  private static ClientResult r(String id, long n, float... w) {
    return new ClientResult(id, w, n);
  }

  /** A model whose four parameters are all {@code v}. */
  private static Model global(float v) {
    return new Model(TWO, new float[] {v, v, v, v});
  }

  /** Client {@code id} at {@code v} in every parameter. */
  private static ClientResult at(String id, long n, float v) {
    return r(id, n, v, v, v, v);
  }

  /** A state vector of the model's length, every value {@code v}. */
  private static float[] all(float v) {
    return new float[] {v, v, v, v};
  }

  private static Strategy.Aggregation aggregate(Strategy s, Model g, Map<String, float[]> state, ClientResult... rs) {
    return s.aggregate(1, g, List.of(rs), List.of(), state);
  }

  private static float first(Strategy.Aggregation a) {
    return a.model().params()[0];
  }

  @Test
  void fedAvgIsTheSampleWeightedMean() {
    // (3*1 + 2*2 + 1*3) / (3+2+1) = 10/6
    Strategy.Aggregation a = aggregate(new FedAvg(), global(0), Map.of(), at("a", 3, 1), at("b", 2, 2), at("c", 1, 3));
    assertThat(first(a)).isCloseTo(10f / 6, offset(FLOAT_ROUNDING));
    assertThat(a.state()).isEmpty();
  }

  @Test
  void fedAvgMAddsServerMomentum() {
    FedAvgM s = new FedAvgM(1.0, 0.5);
    // round 1 from g = 1, clients at 0 and 1 (1 sample each): avg 0.5, d = g - avg = 0.5, u = 0.5*0 + 0.5 = 0.5,
    // next = 1 - 1*0.5 = 0.5
    Strategy.Aggregation one = aggregate(s, global(1), Map.of(), at("a", 1, 0), at("b", 1, 1));
    assertThat(first(one)).isEqualTo(0.5f);
    assertThat(one.state().get(FedAvgM.MOMENTUM)).containsExactly(all(0.5f));
    // round 2 from g = 0.5, both clients at 0.25: d = 0.25, u = 0.5*0.5 + 0.25 = 0.5, next = 0.5 - 0.5 = 0
    Strategy.Aggregation two = aggregate(s, global(0.5f), one.state(), at("a", 1, 0.25f), at("b", 1, 0.25f));
    assertThat(first(two)).isEqualTo(0f);
    assertThat(two.state().get(FedAvgM.MOMENTUM)).containsExactly(all(0.5f));
    // lr 2, no momentum: g = 1, avg = 0.5 (weights 3 and 1 of 0.25 and 1.25: (0.75 + 1.25)/4 = 0.5): 1 - 2*0.5 = 0
    assertThat(first(aggregate(new FedAvgM(2, 0), global(1), Map.of(), at("a", 3, 0.25f), at("b", 1, 1.25f))))
        .isEqualTo(0f);
  }

  @Test
  void fedAdagradFollowsReddiAlgorithmTwo() {
    Strategy s = Strategies.create("fedadagrad", "tau=0.5");
    // from 0.1, clients at 0.2 and 1.0 with 5 samples each: delta = 0.6 - 0.1 = 0.5; beta1 = 0 (Flower's), so
    // m = 0.5; v = 0 + 0.25; next = 0.1 + 0.1 * 0.5 / (sqrt(0.25) + 0.5) = 0.1 + 0.05 = 0.15
    Strategy.Aggregation a = aggregate(s, global(0.1f), Map.of(), at("a", 5, 0.2f), at("b", 5, 1.0f));
    assertThat(first(a)).isCloseTo(0.15f, offset(FLOAT_ROUNDING));
    assertThat(a.state().get(FedOpt.M)[0]).isCloseTo(0.5f, offset(FLOAT_ROUNDING));
    assertThat(a.state().get(FedOpt.V)[0]).isCloseTo(0.25f, offset(FLOAT_ROUNDING));
    // with state v = 0.16, from 1, a client at 1.3: delta = 0.3, m = 0.3, v = 0.16 + 0.09 = 0.25,
    // next = 1 + 0.1 * 0.3 / (0.5 + 0.5) = 1.03
    Map<String, float[]> state = Map.of(FedOpt.M, all(7), FedOpt.V, all(0.16f));
    assertThat(first(aggregate(s, global(1), state, at("a", 1, 1.3f)))).isCloseTo(1.03f, offset(FLOAT_ROUNDING));
  }

  @Test
  void fedAdamFollowsReddiAlgorithmTwo() {
    Strategy s = Strategies.create("fedadam", "beta1=0.5,beta2=0.75,tau=0.5");
    // state m = 0.5, v = 0.25; from 1, a client at 1.5: delta = 0.5; m = 0.5*0.5 + 0.5*0.5 = 0.5;
    // v = 0.75*0.25 + 0.25*0.25 = 0.25; next = 1 + 0.1 * 0.5 / (0.5 + 0.5) = 1.05
    Map<String, float[]> state = Map.of(FedOpt.M, all(0.5f), FedOpt.V, all(0.25f));
    Strategy.Aggregation a = aggregate(s, global(1), state, at("a", 4, 1.5f));
    assertThat(first(a)).isCloseTo(1.05f, offset(FLOAT_ROUNDING));
    assertThat(a.state().get(FedOpt.V)[0]).isCloseTo(0.25f, offset(FLOAT_ROUNDING));
    // first round, defaults (eta 0.1, beta1 0.9, beta2 0.99, tau 0.001), from 0 to clients at 1: m = 0.1, v = 0.01,
    // next = 0.1 * 0.1 / (0.1 + 0.001) = 0.01/0.101
    assertThat(first(aggregate(Strategies.create("fedadam", ""), global(0), Map.of(), at("a", 1, 1), at("b", 2, 1))))
        .isCloseTo(0.01f / 0.101f, offset(FLOAT_ROUNDING));
  }

  @Test
  void fedYogiFollowsReddiAlgorithmTwo() {
    Strategy s = Strategies.create("fedyogi", "eta=0.1,beta1=0.5,beta2=0.75,tau=0.5");
    // state m = 0.4, v = 0.16; from 1, a client at 1.6: delta = 0.6, delta^2 = 0.36; m = 0.2 + 0.3 = 0.5;
    // v = 0.16 - 0.25*0.36*sign(0.16 - 0.36) = 0.16 + 0.09 = 0.25; next = 1 + 0.1 * 0.5 / (0.5 + 0.5) = 1.05.
    // (Adam's v would be 0.75*0.16 + 0.09 = 0.21.)
    Map<String, float[]> state = Map.of(FedOpt.M, all(0.4f), FedOpt.V, all(0.16f));
    Strategy.Aggregation a = aggregate(s, global(1), state, at("a", 1, 1.6f));
    assertThat(first(a)).isCloseTo(1.05f, offset(FLOAT_ROUNDING));
    assertThat(a.state().get(FedOpt.V)[0]).isCloseTo(0.25f, offset(FLOAT_ROUNDING));
    // v above delta^2 shrinks: v = 1 - 0.25*0.36*sign(1 - 0.36) = 0.91
    Map<String, float[]> big = Map.of(FedOpt.M, all(0.4f), FedOpt.V, all(1f));
    assertThat(aggregate(s, global(1), big, at("a", 1, 1.6f)).state().get(FedOpt.V)[0])
        .isCloseTo(0.91f, offset(FLOAT_ROUNDING));
  }

  @Test
  void fedMedianTakesTheMiddleValueUnweighted() {
    // 1, 5, 2 -> 2 whatever the sample counts
    assertThat(first(aggregate(new FedMedian(), global(0), Map.of(), at("a", 1000, 1), at("b", 1, 5), at("c", 1, 2))))
        .isEqualTo(2f);
    // 1, 2, 10, 4 -> (2 + 4) / 2 = 3
    assertThat(first(aggregate(new FedMedian(), global(0), Map.of(), at("a", 1, 1), at("b", 1, 2), at("c", 1, 10),
        at("d", 1, 4)))).isEqualTo(3f);
  }

  @Test
  void fedTrimmedAvgCutsTheShareAtEachEnd() {
    // 5 clients, trim 0.2: cut floor(1.0) = 1 at each end of 1, 2, 3, 4, 100 -> (2 + 3 + 4) / 3 = 3
    ClientResult[] five = {at("a", 1, 100), at("b", 1, 2), at("c", 1, 1), at("d", 1, 4), at("e", 1, 3)};
    assertThat(first(aggregate(new FedTrimmedAvg(0.2), global(0), Map.of(), five))).isEqualTo(3f);
    // 4 clients, trim 0.2: cut floor(0.8) = 0: the plain mean (1 + 2 + 3 + 100) / 4 = 26.5; trim 0.25 cuts one:
    // (2 + 3) / 2 = 2.5
    ClientResult[] four = {at("a", 9, 100), at("b", 1, 2), at("c", 1, 1), at("d", 1, 3)};
    assertThat(first(aggregate(new FedTrimmedAvg(0.2), global(0), Map.of(), four))).isEqualTo(26.5f);
    assertThat(first(aggregate(new FedTrimmedAvg(0.25), global(0), Map.of(), four))).isEqualTo(2.5f);
  }

  @Test
  void krumPicksTheClientClosestToItsNeighbours() {
    // clients at 0, 2, 3, 100 (samples 1, 1, 3, 1). f = 0: n - f - 2 = 2 neighbours; squared distances:
    // a: 4 + 9 = 13, b: 1 + 4 = 5, c: 1 + 9 = 10, d: 97^2 + 98^2 -> b
    ClientResult[] four = {at("d", 1, 100), at("c", 3, 3), at("b", 1, 2), at("a", 1, 0)};
    assertThat(first(aggregate(Krum.krum(0), global(0), Map.of(), four))).isEqualTo(2f);
    // multikrum keep 2: b and c, sample-weighted: (1*2 + 3*3) / 4 = 2.75
    assertThat(first(aggregate(Krum.multiKrum(0, 2), global(0), Map.of(), four))).isEqualTo(2.75f);
    // f = 1: max(1, 4 - 1 - 2) = 1 neighbour: a: 4, b: 1, c: 1, d: 97^2; keep 0 = n - f = 3: b, c, a:
    // (1*0 + 1*2 + 3*3) / 5 = 2.2; krum with the tie of b and c takes the lower id, b
    assertThat(first(aggregate(Krum.multiKrum(1, 0), global(0), Map.of(), four))).isCloseTo(2.2f,
        offset(FLOAT_ROUNDING));
    assertThat(first(aggregate(Krum.krum(1), global(0), Map.of(), four))).isEqualTo(2f);
    // the distance is over the whole vector: (0,0), (3,4), (3,5): 25, 34, 1 -> with 1 neighbour: 25, 1, 1 -> (3,4)
    ClientResult[] planar = {r("a", 1, 0, 0, 0, 0), r("b", 1, 3, 4, 0, 0), r("c", 1, 3, 5, 0, 0)};
    assertThat(aggregate(Krum.krum(1), global(0), Map.of(), planar).model().params()).containsExactly(3, 4, 0, 0);
    assertThat(Krum.krum(1).neighbours(1)).isZero();
    assertThat(Krum.krum(5).neighbours(4)).isEqualTo(1);
  }

  @Test
  void fedProxAggregatesAsFedAvgAndTellsClientsItsMu() {
    Strategy s = Strategies.create("fedprox", "mu=0.1");
    assertThat(s.proximalMu()).isEqualTo(0.1f);
    assertThat(first(aggregate(s, global(0), Map.of(), at("a", 3, 1), at("b", 2, 2), at("c", 1, 3))))
        .isCloseTo(10f / 6, offset(FLOAT_ROUNDING));
    assertThat(new FedAvg().proximalMu()).isZero();
  }

  /** Every strategy, with parameters that make each do something. */
  private static List<Strategy> strategies() {
    return List.of(new FedAvg(), new FedAvgM(1, 0), new FedAvgM(0.7, 0.9), new FedProx(0.1),
        Strategies.create("fedadagrad", ""), Strategies.create("fedadam", ""), Strategies.create("fedyogi", ""),
        new FedMedian(), new FedTrimmedAvg(0.2), Krum.krum(1), Krum.multiKrum(1, 3), Krum.multiKrum(0, 0));
  }

  private static List<ClientResult> random(SplittableRandom rng, int clients, int length) {
    List<ClientResult> out = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      float[] w = new float[length];
      for (int j = 0; j < length; j++) {
        w[j] = (float) rng.nextDouble(-2, 2);
      }
      out.add(new ClientResult("client-" + c, w, 1 + rng.nextInt(100)));
    }
    return out;
  }

  @Test
  void theOrderOfTheClientsDoesNotMatter() {
    SplittableRandom rng = new SplittableRandom(11);
    LayerSizes sizes = LayerSizes.of(3, 2);
    int length = sizes.parameterCount();
    for (Strategy s : strategies()) {
      for (int trial = 0; trial < 5; trial++) {
        List<ClientResult> results = random(rng, 5, length);
        Model g = new Model(sizes, random(rng, 1, length).get(0).weights());
        Map<String, float[]> state = aggregate(s, g, Map.of(), results.toArray(new ClientResult[0])).state();
        Strategy.Aggregation first = s.aggregate(2, g, results, List.of(), state);
        List<ClientResult> shuffled = new ArrayList<>(results);
        Collections.shuffle(shuffled, new java.util.Random(trial));
        Strategy.Aggregation second = s.aggregate(2, g, shuffled, List.of(), state);
        assertThat(second.model().params()).as(s.name()).containsExactly(first.model().params());
        assertThat(second.state().keySet()).isEqualTo(first.state().keySet());
        for (String k : first.state().keySet()) {
          assertThat(second.state().get(k)).containsExactly(first.state().get(k));
        }
      }
    }
  }

  @Test
  void identicalUpdatesGiveThemselvesBackForTheAveragingStrategies() {
    SplittableRandom rng = new SplittableRandom(13);
    LayerSizes sizes = LayerSizes.of(3, 2);
    int length = sizes.parameterCount();
    float[] w = random(rng, 1, length).get(0).weights();
    Model g = new Model(sizes, random(rng, 1, length).get(0).weights());
    List<Strategy> averaging = List.of(new FedAvg(), new FedAvgM(1, 0), new FedProx(0.5), new FedMedian(),
        new FedTrimmedAvg(0.2), Krum.krum(1), Krum.multiKrum(1, 2));
    for (Strategy s : averaging) {
      List<ClientResult> same = List.of(r("a", 3, w.clone()), r("b", 7, w.clone()), r("c", 1, w.clone()),
          r("d", 5, w.clone()));
      assertThat(s.aggregate(1, g, same, List.of(), Map.of()).model().params()).as(s.name()).containsExactly(w);
    }
  }

  @Test
  void noStrategyModifiesItsInputs() {
    SplittableRandom rng = new SplittableRandom(17);
    LayerSizes sizes = LayerSizes.of(3, 2);
    int length = sizes.parameterCount();
    for (Strategy s : strategies()) {
      List<ClientResult> results = random(rng, 4, length);
      List<float[]> copies = results.stream().map(x -> x.weights().clone()).toList();
      Model g = new Model(sizes, random(rng, 1, length).get(0).weights());
      float[] gCopy = g.params().clone();
      Map<String, float[]> state = Map.of(FedOpt.M, new float[length], FedOpt.V, new float[length],
          FedAvgM.MOMENTUM, new float[length]);
      Strategy.Aggregation a = s.aggregate(1, g, results, List.of(), state);
      assertThat(g.params()).as(s.name()).containsExactly(gCopy);
      for (int k = 0; k < results.size(); k++) {
        assertThat(results.get(k).weights()).as(s.name()).containsExactly(copies.get(k));
        assertThat(a.model().params()).isNotSameAs(results.get(k).weights());
      }
      for (float[] v : state.values()) {
        assertThat(v).as(s.name()).containsOnly(0f);
      }
      assertThat(a.model().sizes()).isEqualTo(sizes);
    }
  }

  @Test
  void everyStrategyRefusesWhatWouldCorruptTheModel() {
    for (Strategy s : strategies()) {
      assertThatThrownBy(() -> aggregate(s, global(0), Map.of())).as(s.name())
          .isInstanceOf(AggregationException.class).hasMessageContaining("no client results");
      assertThatThrownBy(() -> aggregate(s, global(0), Map.of(), at("a", 1, 1), at("a", 2, 1))).as(s.name())
          .isInstanceOf(AggregationException.class).hasMessageContaining("more than one result");
      assertThatThrownBy(() -> aggregate(s, global(0), Map.of(), at("a", 1, 1), r("b", 1, 1, 1, 1, Float.NaN)))
          .as(s.name()).isInstanceOf(AggregationException.class).hasMessageContaining("client b sent a non-finite");
      assertThatThrownBy(() -> aggregate(s, global(0), Map.of(), at("a", 1, 1), r("b", 1, 1f))).as(s.name())
          .isInstanceOf(AggregationException.class).hasMessageContaining("client b sent 1 weights, the model has 4");
      assertThatThrownBy(() -> aggregate(s, global(0), Map.of(), at("a", -1, 1), at("b", 1, 1))).as(s.name())
          .isInstanceOf(AggregationException.class).hasMessageContaining("-1 samples");
    }
    assertThatThrownBy(() -> aggregate(new FedAvgM(1, 0.5), global(0), Map.of(FedAvgM.MOMENTUM, new float[3]),
        at("a", 1, 1))).isInstanceOf(AggregationException.class).hasMessageContaining("momentum has 3 values");
  }

  @Test
  void theFactoryFillsDefaultsAndListsEveryParameter() {
    assertThat(Strategies.ids()).containsExactly("fedavg", "fedavgm", "fedprox", "fedadagrad", "fedadam", "fedyogi",
        "fedmedian", "fedtrimmedavg", "krum", "multikrum");
    for (String id : Strategies.ids()) {
      Strategy s = Strategies.create(id, "");
      assertThat(s.name()).isEqualTo(id);
      assertThat(s.parameters().keySet()).containsExactlyElementsOf(Strategies.parameterNames(id));
    }
    assertThat(Strategies.create("fedavgm", (String) null).parameters())
        .containsExactly(Map.entry("serverLearningRate", "1.0"), Map.entry("serverMomentum", "0.0"));
    assertThat(Strategies.create("fedprox", "").parameters()).containsExactly(Map.entry("mu", "0.01"));
    assertThat(Strategies.create("fedadam", " eta = 0.2 ").parameters()).containsExactly(Map.entry("eta", "0.2"),
        Map.entry("etaL", "0.1"), Map.entry("beta1", "0.9"), Map.entry("beta2", "0.99"), Map.entry("tau", "0.001"));
    assertThat(Strategies.create("fedyogi", "").parameters().get("eta")).isEqualTo("0.01");
    assertThat(Strategies.create("fedadagrad", "").parameters()).containsExactly(Map.entry("eta", "0.1"),
        Map.entry("etaL", "0.1"), Map.entry("beta1", "0.0"), Map.entry("tau", "0.001"));
    assertThat(Strategies.create("fedtrimmedavg", "").parameters()).containsExactly(Map.entry("trim", "0.2"));
    assertThat(Strategies.create("multikrum", "byzantine=1,keep=2").parameters())
        .containsExactly(Map.entry("byzantine", "1"), Map.entry("keep", "2"));
    assertThat(Strategies.create("krum", "").parameters()).containsExactly(Map.entry("byzantine", "0"));
  }

  @Test
  void theFactoryRefusesWithOneClearMessage() {
    assertThatThrownBy(() -> Strategies.create("fedsgd", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown strategy 'fedsgd'; the strategies are fedavg, fedavgm, fedprox, fedadagrad, fedadam, "
            + "fedyogi, fedmedian, fedtrimmedavg, krum, multikrum");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu=0.1,foo=2"))
        .hasMessage("strategy fedprox has no parameter 'foo'; its parameters are mu");
    assertThatThrownBy(() -> Strategies.create("fedavg", "mu=1"))
        .hasMessage("strategy fedavg has no parameter 'mu'; it takes none");
    assertThatThrownBy(() -> Strategies.create("fedadagrad", "beta2=0.9"))
        .hasMessage("strategy fedadagrad has no parameter 'beta2'; its parameters are eta, etaL, beta1, tau");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu=x")).hasMessage("fedprox: mu must be a number, got 'x'");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu=-1"))
        .hasMessage("fedprox: mu must be 0 or a positive number, got -1.0");
    assertThatThrownBy(() -> Strategies.create("fedadam", "beta1=1")).hasMessageContaining("beta1 must be in [0, 1)");
    assertThatThrownBy(() -> Strategies.create("fedadam", "tau=0")).hasMessageContaining("tau must be a positive");
    assertThatThrownBy(() -> Strategies.create("fedadam", "eta=NaN")).hasMessageContaining("eta must be a number");
    assertThatThrownBy(() -> Strategies.create("fedtrimmedavg", "trim=0.5"))
        .hasMessageContaining("trim must be in [0, 0.5)");
    assertThatThrownBy(() -> Strategies.create("krum", "byzantine=1.5"))
        .hasMessage("krum: byzantine must be a whole number, got '1.5'");
    assertThatThrownBy(() -> Strategies.create("multikrum", "keep=-1")).hasMessageContaining("keep must be 0 or more");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu")).hasMessageContaining("written name=value");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu=1,mu=2")).hasMessageContaining("mu is given twice");
    assertThatThrownBy(() -> Strategies.create("fedprox", "mu=1,")).hasMessageContaining("written name=value");
  }
}
