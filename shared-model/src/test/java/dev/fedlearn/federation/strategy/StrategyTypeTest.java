package dev.fedlearn.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry agrees with the strategies it builds. */
class StrategyTypeTest {
  @Test
  void eachStrategyIsNamedByItsIdAndReportsTheRegistrysDefaultsInOrder() {
    for (StrategyType type : StrategyType.values()) {
      Strategy s = Strategies.create(type.id(), "");
      assertThat(s.name()).as(type.name()).isEqualTo(type.id());
      Map<String, String> defaults = new LinkedHashMap<>();
      type.parameters().forEach(p -> defaults.put(p.name(), p.defaultValue()));
      assertThat(s.parameters()).as(type.id() + ": the defaults as the strategy prints them")
          .containsExactlyEntriesOf(defaults);
      assertThat(StrategyType.find(type.id())).contains(type);
    }
    assertThat(StrategyType.find("FedAvg")).as("ids are exact").isEmpty();
    assertThat(Strategies.ids()).containsExactlyElementsOf(Arrays.stream(StrategyType.values())
        .map(StrategyType::id).toList());
  }

  @Test
  void theStrategiesThatLookAtEachUpdateAreTheRobustOnes() {
    assertThat(StrategyType.needingOnlyTheMean()).containsExactly(StrategyType.FEDAVG, StrategyType.FEDAVGM,
        StrategyType.FEDPROX, StrategyType.FEDADAGRAD, StrategyType.FEDADAM, StrategyType.FEDYOGI);
  }

  @Test
  void everyTextIsOneLineWithItsCodeBetweenBackticks() {
    for (StrategyType type : StrategyType.values()) {
      assertThat(type.id()).matches("[a-z]+");
      assertThat(type.description()).as(type.id()).doesNotContain("\n").isNotBlank();
      assertThat(type.description().chars().filter(c -> c == '`').count() % 2).as(type.id()).isZero();
      for (StrategyType.Parameter p : type.parameters()) {
        assertThat(p.name()).matches("[a-zA-Z0-9]+");
        assertThat(p.meaning()).as(type.id() + " " + p.name()).doesNotContain("\n").isNotBlank();
        assertThat(p.meaning().chars().filter(c -> c == '`').count() % 2).as(p.name()).isZero();
      }
    }
  }
}
