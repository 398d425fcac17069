package dev.fedlearn.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code FL_MIN_CLIENTS}: compose sets a quorum of 3 so that one dead client of four does not stall a round; with
 * {@code FL_CLIENTS=2} that quorum is every client, not an aggregator that refuses to start.
 */
class QuorumSettingTest {
  @Test
  void aQuorumAboveTheClientsIsEveryClient() {
    assertThat(EnvironmentNamesTest.bind(Map.of("FL_CLIENTS", "2", "FL_MIN_CLIENTS", "3")).rules().minClients())
        .isEqualTo(2);
    assertThat(EnvironmentNamesTest.bind(Map.of("FL_CLIENTS", "4", "FL_MIN_CLIENTS", "3")).rules().minClients())
        .isEqualTo(3);
    assertThat(EnvironmentNamesTest.bind(Map.of("FL_CLIENTS", "4")).rules().minClients()).isEqualTo(4);
  }
}
