package dev.fedlearn.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * The container tests' preconditions, and the names of everything they run, in one place. Without Docker they are
 * skipped with the reason; with {@code FL_REQUIRE_DOCKER=true} (as in CI) they fail instead.
 */
final class DockerSupport {
  static final String AGGREGATOR_IMAGE = "fedlearn/aggregator:latest";
  static final String CLIENT_IMAGE = "fedlearn/client:latest";
  /** The database of PostgresResumeIT, the same image as docker-compose.postgres.yml's. */
  static final DockerImageName POSTGRES_IMAGE =
      DockerImageName.parse("postgres:15").asCompatibleSubstituteFor("postgres");
  static final Path REPO = Path.of(System.getProperty("fl.data.dir", "../data")).toAbsolutePath().getParent();
  static final Path COMPOSE_FILE = REPO.resolve("docker-compose.yml");

  private DockerSupport() {}

  static void requireDocker() {
    // The docker CLI answers in seconds whether an engine is there; Testcontainers' own discovery can take
    // minutes to give up, so it is asked only when the CLI has found an engine.
    String why = null;
    if (!succeeds("docker", "version", "--format", "{{.Server.Version}}")) {
      why = "no Docker engine answers 'docker version'";
    } else if (!succeeds("docker", "compose", "version")) {
      why = "the Docker Compose v2 plugin ('docker compose') is missing";
    } else {
      try {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
          why = "Testcontainers cannot reach the Docker engine";
        }
      } catch (RuntimeException | Error e) {
        why = "Testcontainers cannot reach the Docker engine (" + e.getMessage() + ")";
      }
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("FL_REQUIRE_DOCKER"))) {
        fail("FL_REQUIRE_DOCKER=true but " + why);
      }
      Assumptions.abort("container test skipped: " + why + " (set FL_REQUIRE_DOCKER=true to fail instead)");
    }
  }

  private static boolean succeeds(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code docker compose build}: both images, as a user builds them (BuildKit, Maven inside the build). */
  static void buildImages() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("docker", "compose", "-f", COMPOSE_FILE.toString(), "build")
        .directory(REPO.toFile()).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "docker-build.log").toFile()).start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("docker compose build took more than 15 minutes; see e2e/target/docker-build.log");
    }
    if (p.exitValue() != 0) {
      fail("docker compose build failed (exit " + p.exitValue() + "); see e2e/target/docker-build.log");
    }
  }
}
