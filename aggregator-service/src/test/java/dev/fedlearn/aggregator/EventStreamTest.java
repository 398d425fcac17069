package dev.fedlearn.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole aggregator's event stream and dashboard over real HTTP, with a read token: the page and the stream need
 * it (as a header or, for a browser, as {@code ?access_token=}), and the stream carries each registration, opened round, update, aggregation, evaluation and refusal as it happens.
 */
class EventStreamTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path state;

  @Test
  void theStreamTellsWhatHappensAsItHappens() throws Exception {
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (TestApp app = new TestApp(state, "--fl.clients=1", "--fl.rounds=2", "--fl.layers=784,2,10",
        "--fl.read-token=reader");
        Stream<String> stream = app.lines("/api/v1/events?access_token=reader")) {
      Iterator<String> lines = stream.iterator();
      assertThat(lines.next()).isEqualTo("retry:2000");
      assertThat(lines.next()).isEqualTo(":connected");
      List<String> replayed = new ArrayList<>();
      for (String line = lines.next(); !line.equals(":live"); line = lines.next()) {
        replayed.add(line);
      }
      assertThat(replayed).as("the stream starts with the events stored so far: the run's start")
          .containsSubsequence("event:state").anySatisfy(l -> assertThat(l).contains("waiting for them to register"));

      assertThat(app.get("/").statusCode()).as("the page needs the token").isEqualTo(401);
      assertThat(app.get("/").body()).contains("/?access_token=<FL_READ_TOKEN>");
      assertThat(app.get("/?access_token=reader").statusCode()).isEqualTo(200);
      assertThat(app.get("/?access_token=reader").body()).contains("/webjars/uplot/dist/uPlot.iife.min.js");
      assertThat(app.get("/webjars/uplot/dist/uPlot.iife.min.js").statusCode()).as("served offline").isEqualTo(200);
      assertThat(app.get("/dashboard.js").statusCode()).isEqualTo(200);
      assertThat(app.get("/api/v1/events").statusCode()).isEqualTo(401);
      assertThatThrownBy(() -> app.lines("/api/v1/events?access_token=wrong")).hasMessageContaining("401");

      assertThat(app.call("POST", "/api/v1/clients", "{\"clientId\":\"a\",\"trainSamples\":100,\"testSamples\":30}")
          .statusCode()).isEqualTo(200);
      float[] weights = new float[784 * 2 + 2 + 2 * 10 + 10];
      Arrays.fill(weights, 0.01f);
      String update = "{\"clientId\":\"a\",\"numSamples\":100,\"layerSizes\":[784,2,10],\"weights\":"
          + Arrays.toString(weights) + ",\"trainLoss\":0.5,\"trainAccuracy\":0.8,\"epochs\":[{\"epoch\":1,"
          + "\"loss\":0.5,\"accuracy\":0.8}]}";
      assertThat(app.call("POST", "/api/v1/rounds/1/updates", update).statusCode()).isEqualTo(202);
      assertThat(app.call("POST", "/api/v1/rounds/1/updates", update).statusCode()).isEqualTo(409);
      assertThat(app.call("POST", "/api/v1/rounds/1/evaluations",
          "{\"clientId\":\"a\",\"numSamples\":30,\"loss\":0.4,\"accuracy\":0.9}").statusCode()).isEqualTo(202);

      List<String> events = new ArrayList<>();
      Future<?> reading = reader.submit(() -> {
        while (lines.hasNext() && events.stream().filter(l -> l.startsWith("data:")).count() < 8) {
          events.add(lines.next());
        }
      });
      reading.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(events.stream().filter(l -> l.startsWith("event:")).toList()).as("the two reads without the token "
          + "first").containsExactly("event:refused", "event:refused", "event:registered", "event:opened",
          "event:update", "event:aggregated", "event:opened", "event:refused");
      assertThat(events).anySatisfy(l -> assertThat(l).contains("GET /api/v1/events refused with 401"));
      assertThat(events).anySatisfy(l -> assertThat(l).startsWith("data:{").contains("\"type\":\"aggregated\"")
          .contains("\"round\":1").contains("\"figures\":{").contains("\"accuracy\":"));
      assertThat(events).anySatisfy(l -> assertThat(l).contains("\"type\":\"refused\"")
          .contains("POST /api/v1/rounds/1/updates refused with 409"));
      assertThat(events).filteredOn(l -> l.startsWith("id:")).containsExactly("id:1", "id:2", "id:3", "id:4",
          "id:5", "id:6", "id:7", "id:8");

      assertThat(app.get("/api/v1/rounds/1", "reader").body()).contains("\"epochs\":[{\"epoch\":1,\"loss\":0.5,"
          + "\"accuracy\":0.8}]");
    } finally {
      reader.shutdownNow();
    }
  }
}
