package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;
import tools.jackson.databind.JsonNode;

/**
 * Each image on its own, on a Testcontainers network: it builds, runs as a non-root user, its Docker healthcheck
 * turns healthy, and a bad request gets a problem detail through the container's real port.
 */
class ImagesIT {
  static final Duration STARTUP = Duration.ofMinutes(3);
  /** One round of one epoch with one client over the container network. */
  static final Duration RUN = Duration.ofMinutes(2);

  @Test
  void theServicesRunHealthyAndAnswerWithProblemDetails() throws Exception {
    DockerSupport.requireDocker();
    DockerSupport.buildImages();
    try (Network network = Network.newNetwork();
        GenericContainer<?> aggregator = new GenericContainer<>(DockerSupport.AGGREGATOR_IMAGE)
            .withNetwork(network)
            .withNetworkAliases("aggregator")
            .withEnv("FL_CLIENTS", "1")
            .withEnv("FL_ROUNDS", "1")
            .withEnv("FL_LOCAL_EPOCHS", "1")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHealthcheck().withStartupTimeout(STARTUP));
        GenericContainer<?> client = new GenericContainer<>(DockerSupport.CLIENT_IMAGE)
            .withNetwork(network)
            .withEnv("FL_CLIENT_ID", "site-9")
            .withEnv("FL_AGGREGATOR_URL", "http://aggregator:8080")
            .withCopyFileToContainer(
                MountableFile.forHostPath(DockerSupport.REPO.resolve("data/shards/client-1.csv.gz"), 0444),
                "/data/shard.csv.gz")
            .withExposedPorts(8081)
            .waitingFor(Wait.forHealthcheck().withStartupTimeout(STARTUP))) {
      aggregator.start();
      client.dependsOn(aggregator);
      client.start();
      String agg = "http://" + aggregator.getHost() + ":" + aggregator.getMappedPort(8080);
      String site = "http://" + client.getHost() + ":" + client.getMappedPort(8081);

      assertThat(Http.getJson(agg + "/actuator/health").get("status").asString()).isEqualTo("UP");
      assertThat(Http.getJson(site + "/actuator/health").get("status").asString()).isEqualTo("UP");
      assertThat(aggregator.execInContainer("id", "-u").getStdout().strip()).isNotEqualTo("0");

      HttpResponse<String> bad = Http.send(HttpRequest.newBuilder(URI.create(agg + "/api/v1/rounds/1/updates"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{not json")));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      JsonNode problem = Http.JSON.readTree(bad.body());
      assertThat(problem.get("status").asInt()).isEqualTo(400);
      assertThat(problem.get("detail").asString()).contains("not valid JSON");

      Http.awaitCompleted(agg, RUN, "one round with one client over the container network");
      JsonNode status = Http.getJson(site + "/api/v1/status");
      assertThat(status.get("clientId").asString()).isEqualTo("site-9");
      assertThat(status.get("trainSamples").asInt()).isEqualTo(700);
    }
  }
}
