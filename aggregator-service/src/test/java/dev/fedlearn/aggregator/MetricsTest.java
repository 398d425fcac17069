package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole aggregator's Prometheus scrape after a round: the run's figures under their fl_ names. */
class MetricsTest {
  @TempDir
  Path state;

  @Test
  void theScrapeShowsTheRunAndNeedsTheReadTokenWhenOneIsSet() throws Exception {
    try (TestApp app = new TestApp(state, "--fl.clients=1", "--fl.rounds=2", "--fl.layers=784,2,10",
        "--fl.read-token=reader")) {
      assertThat(app.call("POST", "/api/v1/clients", "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}")
          .statusCode()).isEqualTo(200);
      float[] weights = new float[784 * 2 + 2 + 2 * 10 + 10];
      Arrays.fill(weights, 0.01f);
      String update = "{\"clientId\":\"a\",\"numSamples\":100,\"layerSizes\":[784,2,10],\"weights\":"
          + Arrays.toString(weights) + ",\"trainLoss\":0.5,\"trainAccuracy\":0.8}";
      assertThat(app.call("POST", "/api/v1/rounds/1/updates", update).statusCode()).isEqualTo(202);

      assertThat(app.get("/actuator/prometheus").statusCode()).as("the scrape is a read").isEqualTo(401);
      String scrape = app.get("/actuator/prometheus", "reader").body();
      assertThat(scrape).contains(
          "fl_rounds_completed_total 1.0",
          "fl_clients_registered 1.0",
          "fl_clients_late 0.0",
          "fl_updates_received_total{client=\"a\"} 1.0",
          "fl_update_size_bytes_count{format=\"json\"} 1",
          "fl_round_duration_seconds_count 1",
          "fl_round_duration_seconds_bucket{le=",
          "fl_global_test_accuracy_ratio ",
          "fl_global_test_loss ");
    }
  }
}
