package dev.fedlearn.client;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fedlearn.client.worker.ClientState;
import dev.fedlearn.client.worker.StatusTracker;
import dev.fedlearn.client.worker.FederatedClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The whole application against an aggregator that is not there (an unused local port): it starts, serves its
 * status and health, and its worker keeps retrying the registration without hammering.
 */
@SpringBootTest(properties = "fl.client-id=client-7") // here, not below: the log pattern reads it at start-up
@AutoConfigureMockMvc
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class ClientApplicationTest {
  private static final int UNUSED_PORT = unusedPort();
  private static final Path SHARD = shard();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("fl.client-shard", SHARD::toString);
    registry.add("fl.aggregator-url", () -> "http://127.0.0.1:" + UNUSED_PORT + "/");
    registry.add("fl.retry.initial-backoff", () -> "200ms");
    registry.add("fl.retry.max-backoff", () -> "1s");
  }

  @Autowired
  MockMvc mvc;
  @Autowired
  StatusTracker tracker;
  @Autowired
  FederatedClient worker;

  @Test
  void statusShowsTheClientRetryingItsRegistration() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> tracker.snapshot().lastError() != null);
    assertThat(worker.isRunning()).isTrue();

    mvc.perform(get("/api/v1/status"))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.clientId").value("client-7"))
        .andExpect(jsonPath("$.state").value(ClientState.REGISTERING.name()))
        .andExpect(jsonPath("$.aggregatorUrl").value("http://127.0.0.1:" + UNUSED_PORT))
        .andExpect(jsonPath("$.trainSamples").value(21))
        .andExpect(jsonPath("$.testSamples").value(9))
        .andExpect(jsonPath("$.lastTrainedRound").value(0))
        .andExpect(jsonPath("$.lastEvaluatedRound").value(0))
        .andExpect(jsonPath("$.lastTrainLoss").isEmpty())
        .andExpect(jsonPath("$.lastTestAccuracy").isEmpty())
        .andExpect(jsonPath("$.lastError").value(org.hamcrest.Matchers.containsString("POST /clients")))
        .andExpect(jsonPath("$.kernel").value(org.hamcrest.Matchers.oneOf("vector", "scalar")));
  }

  @Test
  void logsInTheAggregatorsFormat(org.springframework.boot.test.system.CapturedOutput output) {
    await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("could not register"));
    assertThat(output.getOut().lines().filter(l -> l.contains("could not register")).findFirst().orElseThrow())
        .as("time, level, the site, the message, as the aggregator's lines")
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  WARN \\[client-7\\] could not register .*");
  }

  @Test
  void healthIsUp() throws Exception {
    mvc.perform(get("/actuator/health"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("UP"));
  }

  @Test
  void prometheusScrapesTheSitesMeters() throws Exception {
    mvc.perform(get("/actuator/prometheus"))
        .andExpect(status().isOk())
        .andExpect(content().string(org.hamcrest.Matchers.containsString("fl_client_rounds_trained_total 0.0")))
        .andExpect(content().string(org.hamcrest.Matchers.containsString("fl_client_training_seconds_count 0")))
        .andExpect(content().string(org.hamcrest.Matchers.containsString("fl_client_test_accuracy_ratio NaN")));
  }

  @Test
  void errorsAreProblemDetails() throws Exception {
    mvc.perform(post("/api/v1/status"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.status").value(405));
  }

  private static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path shard() {
    try {
      Path dir = Files.createTempDirectory("client-service-test");
      dir.toFile().deleteOnExit();
      Path file = TestShards.write(dir.resolve("client-7.csv"), 30, 5);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
