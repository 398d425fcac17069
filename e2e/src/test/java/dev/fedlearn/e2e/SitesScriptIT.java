package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code scripts/sites.sh N} writes the override that adds sites 5 to N, each built like client-1 of the base file:
 * compose must then give every site its own settings, not client-1's (a site beyond 4 once took client-1's
 * {@code FL_CLIENT_1_SLOWDOWN}). Runs the script in a copy of the repository's layout and reads the merged files with
 * {@code docker compose config}.
 */
class SitesScriptIT {
  @TempDir
  Path repo;

  @Test
  void sitesBeyondFourTakeTheirOwnSettings() throws Exception {
    DockerSupport.requireDocker();
    Path real = DockerSupport.REPO;
    Files.createDirectories(repo.resolve("scripts"));
    for (String script : List.of("sites.sh", "java.sh")) {
      Files.copy(real.resolve("scripts").resolve(script), repo.resolve("scripts").resolve(script));
    }
    Files.copy(real.resolve("docker-compose.yml"), repo.resolve("docker-compose.yml"));
    Files.createDirectories(repo.resolve("cli/target"));
    Files.createSymbolicLink(repo.resolve("cli/target/fl.jar"), Processes.jar("fl.jar"));
    Files.createDirectories(repo.resolve("data"));
    Files.createSymbolicLink(repo.resolve("data/mnist"), Reference.DATA.resolve("mnist"));

    String sites = run(Map.of("JAVA_HOME", System.getProperty("java.home")), "bash", "scripts/sites.sh", "6",
        "--samples-per-client", "100");
    assertThat(sites).contains("6 clients");
    String config = run(Map.of("FL_CLIENT_1_SLOWDOWN", "2", "FL_CLIENT_5_SLOWDOWN", "3"), "docker", "compose",
        "--env-file", "/dev/null", "-f", "docker-compose.yml", "-f", "docker-compose.sites.yml", "config",
        "--format", "json");
    JsonNode services = Http.JSON.readTree(config).get("services");
    assertThat(services.get("aggregator").get("environment").get("FL_CLIENTS").asString()).isEqualTo("6");
    for (Map.Entry<String, String> site : Map.of("client-1", "2", "client-2", "1", "client-5", "3", "client-6", "1")
        .entrySet()) {
      JsonNode env = services.get(site.getKey()).get("environment");
      assertThat(env.get("FL_CLIENT_ID").asString()).isEqualTo(site.getKey());
      assertThat(env.get("FL_CLIENT_SLOWDOWN").asString()).as(site.getKey() + "'s slowdown").isEqualTo(
          site.getValue());
    }
  }

  private String run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("FL_") || k.startsWith("COMPOSE_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
