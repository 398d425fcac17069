package dev.fedlearn.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fedlearn.TestData;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionerTest {
  static Dataset train;

  @BeforeAll
  static void load() throws IOException {
    train = Mnist.load(TestData.mnist(), Mnist.Part.TRAIN);
  }

  @Test
  void iidShardsHaveTheirSizesAreDisjointAndRepeatable() {
    List<int[]> a = Partitioner.iid(train.size(), Partitioner.DEFAULT_SIZES, 42);
    assertThat(a).extracting(s -> s.length).containsExactly(1000, 3000, 2000, 4000);
    assertDisjoint(a);
    List<int[]> b = Partitioner.iid(train.size(), Partitioner.DEFAULT_SIZES, 42);
    for (int c = 0; c < 4; c++) {
      assertThat(b.get(c)).containsExactly(a.get(c));
    }
    assertThat(Partitioner.iid(train.size(), Partitioner.DEFAULT_SIZES, 43).get(0)).isNotEqualTo(a.get(0));
  }

  @Test
  void dirichletShardsAreSkewedBySmallAlpha() {
    int[] sizes = {1000, 3000, 2000, 4000};
    List<int[]> skewed = Partitioner.dirichlet(train, sizes, 0.1, 42);
    assertThat(skewed).extracting(s -> s.length).containsExactly(1000, 3000, 2000, 4000);
    assertDisjoint(skewed);
    List<int[]> again = Partitioner.dirichlet(train, sizes, 0.1, 42);
    for (int c = 0; c < 4; c++) {
      assertThat(again.get(c)).containsExactly(skewed.get(c));
    }
    double skewedShare = meanLargestClassShare(skewed);
    double iidShare = meanLargestClassShare(Partitioner.iid(train.size(), sizes, 42));
    double mildShare = meanLargestClassShare(Partitioner.dirichlet(train, sizes, 100, 42));
    assertThat(iidShare).isLessThan(0.15);
    assertThat(mildShare).isLessThan(0.2);
    assertThat(skewedShare).isGreaterThan(0.5);
  }

  @Test
  void labelSortedShardsGiveEachClientFewLabels() {
    // McMahan et al.: 100 clients of 600 from all 60,000, 2 shards of 300 each; a shard may straddle two labels.
    int[] sizes = new int[100];
    java.util.Arrays.fill(sizes, 600);
    List<int[]> shards = Partitioner.shards(train, sizes, 2, 42);
    assertThat(shards).hasSize(100).allSatisfy(s -> assertThat(s).hasSize(600));
    assertDisjoint(shards);
    int atMostTwo = 0;
    for (int[] shard : shards) {
      Set<Integer> labels = new HashSet<>();
      for (int i : shard) {
        labels.add(train.label(i));
      }
      assertThat(labels.size()).as("two shards, each within at most two neighbouring labels").isLessThanOrEqualTo(4);
      atMostTwo += labels.size() <= 2 ? 1 : 0;
    }
    assertThat(atMostTwo).as("most clients hold at most two labels").isGreaterThan(60);
    assertThat(meanLargestClassShare(shards)).isGreaterThan(0.45);
    assertThat(Partitioner.shards(train, sizes, 2, 42).get(7)).containsExactly(shards.get(7));

    // With labels in blocks of the shard size, every client has exactly its K labels' samples.
    byte[] labels = new byte[40];
    for (int i = 0; i < 40; i++) {
      labels[i] = (byte) (i / 10);
    }
    Dataset blocks = new Dataset(new byte[40], labels, 1, 4);
    for (int[] shard : Partitioner.shards(blocks, new int[] {20, 20}, 2, 3)) {
      Set<Integer> seen = new HashSet<>();
      for (int i : shard) {
        seen.add(blocks.label(i));
      }
      assertThat(seen).hasSize(2);
    }
    assertThatThrownBy(() -> Partitioner.shards(train, new int[] {600, 300}, 2, 42))
        .hasMessageContaining("the same size");
    assertThatThrownBy(() -> Partitioner.shards(train, new int[] {601}, 2, 42)).hasMessageContaining("multiple of 2");
  }

  @Test
  void partitionsAreNamedAsTheCommandLineWritesThem() {
    assertThat(Partition.parse("iid")).isEqualTo(Partition.IID);
    assertThat(Partition.parse("dirichlet:0.5").toString()).isEqualTo("dirichlet:0.5");
    assertThat(Partition.parse("shards:2")).isEqualTo(new Partition(Partition.Kind.SHARDS, 0, 2));
    assertThatThrownBy(() -> Partition.parse("shards")).hasMessageContaining("shards:2");
    assertThatThrownBy(() -> Partition.parse("dirichlet:-1")).hasMessageContaining("positive");
    assertThatThrownBy(() -> Partition.parse("pathological")).hasMessageContaining("iid, dirichlet:ALPHA or shards:K");
  }

  @Test
  void classesThatRunOutAreMadeUpFromOthers() {
    // Ask for more of everything than some classes hold: sizes still honoured, still disjoint.
    int[] sizes = {20000, 20000, 20000};
    List<int[]> shards = Partitioner.dirichlet(train, sizes, 0.05, 1);
    assertThat(shards).extracting(s -> s.length).containsExactly(20000, 20000, 20000);
    assertDisjoint(shards);
  }

  @Test
  void badRequestsAreRefused() {
    assertThatThrownBy(() -> Partitioner.iid(100, new int[] {60, 50}, 1)).hasMessageContaining("do not fit in 100");
    assertThatThrownBy(() -> Partitioner.iid(100, new int[] {0}, 1)).hasMessageContaining("positive");
    assertThatThrownBy(() -> Partitioner.iid(100, new int[0], 1)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Partitioner.dirichlet(train, new int[] {10}, 0, 1)).hasMessageContaining("alpha");
  }

  @Test
  void apportionAddsUpExactly() {
    assertThat(Partitioner.apportion(10, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0})).containsExactly(4, 3, 3);
    assertThat(Partitioner.apportion(7, new double[] {0.5, 0.25, 0.25})).containsExactly(3, 2, 2);
  }

  @Test
  void gammaSamplesHaveTheRightMean() {
    SplittableRandom rng = new SplittableRandom(1);
    for (double shape : new double[] {0.3, 1, 4}) {
      double sum = 0;
      int n = 20000;
      for (int i = 0; i < n; i++) {
        sum += Partitioner.gamma(shape, rng);
      }
      assertThat(sum / n).isCloseTo(shape, org.assertj.core.data.Offset.offset(0.05 * shape + 0.02));
    }
  }

  @Test
  void localSplitIsSeventyThirtyDisjointAndRepeatable() {
    Dataset shard = train.head(1000);
    LocalSplit a = LocalSplit.of(shard, 0.7, 42, "client-1");
    assertThat(a.train().size()).isEqualTo(700);
    assertThat(a.test().size()).isEqualTo(300);
    LocalSplit b = LocalSplit.of(shard, 0.7, 42, "client-1");
    LocalSplit other = LocalSplit.of(shard, 0.7, 42, "client-2");
    boolean differs = false;
    for (int i = 0; i < 300; i++) {
      assertThat(b.test().label(i)).isEqualTo(a.test().label(i));
      differs |= other.test().pixel(i, 400) != a.test().pixel(i, 400) || other.test().label(i) != a.test().label(i);
    }
    assertThat(differs).as("another client id splits differently").isTrue();
    int[] counts = a.train().labelCounts();
    int[] testCounts = a.test().labelCounts();
    int[] all = shard.labelCounts();
    for (int k = 0; k < 10; k++) {
      assertThat(counts[k] + testCounts[k]).isEqualTo(all[k]);
    }
    assertThatThrownBy(() -> LocalSplit.of(train.head(1), 0.7, 1, "c")).hasMessageContaining("cannot be split");
  }

  private static void assertDisjoint(List<int[]> shards) {
    Set<Integer> seen = new HashSet<>();
    for (int[] s : shards) {
      for (int i : s) {
        assertThat(seen.add(i)).as("index %d in two shards", i).isTrue();
        assertThat(i).isBetween(0, train.size() - 1);
      }
    }
  }

  private static double meanLargestClassShare(List<int[]> shards) {
    double total = 0;
    for (int[] s : shards) {
      int[] counts = train.subset(s).labelCounts();
      int max = 0;
      for (int c : counts) {
        max = Math.max(max, c);
      }
      total += (double) max / s.length;
    }
    return total / shards.size();
  }
}
