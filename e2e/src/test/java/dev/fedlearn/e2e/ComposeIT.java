package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ContainerState;
import tools.jackson.databind.JsonNode;

/**
 * The product's main command, {@code docker compose up --build}, on the real docker-compose.yml, with a short run
 * set through the environment as a user would.
 */
class ComposeIT {
  static final int ROUNDS = 3;
  /** Building both images (Maven inside the build), starting the containers and the three short rounds. */
  static final Duration RUN = Duration.ofMinutes(10);
  /** The clients' last evaluations, which containers on a busy machine may send a little late. */
  static final Duration LATE_REPORTS = Duration.ofSeconds(60);

  @Test
  void composeUpRunsTheFederationToCompletion() throws Exception {
    DockerSupport.requireDocker();
    int port = Processes.freePort();
    String base = "http://localhost:" + port;
    try (ComposeContainer compose = new ComposeContainer(DockerSupport.COMPOSE_FILE.toFile())
        .withBuild(true)
        .withPull(false)
        .withRemoveVolumes(true)
        .withStartupTimeout(RUN)
        .withEnv("FL_ROUNDS", Integer.toString(ROUNDS))
        .withEnv("FL_LOCAL_EPOCHS", "2")
        .withEnv("FL_PORT", Integer.toString(port))) {
      compose.start();
      Http.awaitCompleted(base, RUN, "docker compose logs aggregator");

      JsonNode rounds = Http.awaitEvaluations(base, 4, LATE_REPORTS);
      assertThat(rounds.size()).isEqualTo(ROUNDS);
      List<Double> accuracy = new ArrayList<>();
      for (JsonNode r : rounds) {
        assertThat(r.get("participants").size()).as("participants of round %s", r.get("round")).isEqualTo(4);
        assertThat(r.get("evaluations").size()).as("client scores of round %s", r.get("round")).isEqualTo(4);
        accuracy.add(r.get("globalTestAccuracy").asDouble());
      }
      assertThat(accuracy.get(ROUNDS - 1)).isGreaterThan(accuracy.get(0)).isGreaterThan(0.85);

      try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(Http.getBytes(base + "/api/v1/metrics.xlsx")))) {
        assertThat(wb.getSheet("Rounds").getLastRowNum()).isEqualTo(ROUNDS + 1);
        assertThat(wb.getSheet("Evaluations").getLastRowNum()).isEqualTo(4 * ROUNDS);
        assertThat(wb.getSheet("Training curves").getLastRowNum()).as("every client's every epoch")
            .isEqualTo(4 * ROUNDS * 2);
      }
      // The dashboard and its chart library come from the image itself: nothing is fetched from elsewhere.
      assertThat(new String(Http.getBytes(base + "/"), java.nio.charset.StandardCharsets.UTF_8))
          .contains("<script src=\"/webjars/uplot/dist/uPlot.iife.min.js\">");
      assertThat(Http.getBytes(base + "/webjars/uplot/dist/uPlot.iife.min.js").length).isGreaterThan(10_000);
      ContainerState aggregator = container(compose, "aggregator");
      String logs = Await.until("the aggregator saves its workbook", Await.FILE_WRITTEN, aggregator::getLogs,
          l -> l.contains("workbook saved"));
      assertThat(logs).as("no font-cache noise when the workbook is written").doesNotContain("Fontconfig");

      // A client container holds its own shard and no other data: no other CSV, no MNIST file.
      for (int c = 1; c <= 4; c++) {
        ContainerState client = container(compose, "client-" + c);
        assertThat(dataFiles(client)).as("data files in client-%d", c).containsExactly("/data/shard.csv.gz");
        assertThat(client.execInContainer("id", "-un").getStdout().strip()).isEqualTo("fl");
      }
      assertThat(dataFiles(container(compose, "aggregator"))).as("the aggregator holds only the test sets")
          .containsExactlyInAnyOrder("/app/data/mnist/t10k-images-idx3-ubyte.gz",
              "/app/data/mnist/t10k-labels-idx1-ubyte.gz", "/app/data/fashion-mnist/t10k-images-idx3-ubyte.gz",
              "/app/data/fashion-mnist/t10k-labels-idx1-ubyte.gz");
    }
  }

  private static ContainerState container(ComposeContainer compose, String service) {
    return compose.getContainerByServiceName(service + "-1")
        .or(() -> compose.getContainerByServiceName(service))
        .orElseThrow(() -> new AssertionError("no container for service " + service));
  }

  private static List<String> dataFiles(ContainerState c) throws Exception {
    Container.ExecResult r = c.execInContainerWithUser("root", "bash", "-c",
        "find / \\( -path /proc -o -path /sys -o -path /dev -o -path /usr -o -path /etc \\) -prune -o -type f "
            + "\\( -name '*.csv' -o -name '*.csv.gz' -o -name '*-ubyte' -o -name '*-ubyte.gz' \\) -print");
    assertThat(r.getExitCode()).as(r.getStderr()).isZero();
    return r.getStdout().lines().filter(l -> !l.isBlank()).toList();
  }
}
