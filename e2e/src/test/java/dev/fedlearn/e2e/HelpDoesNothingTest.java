package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --help} answers with what a script does and does nothing else: {@code make-tokens.sh --help} once rewrote
 * {@code .env} with new tokens, {@code run-local.sh --help} started a run. Each script runs in a copy of the
 * repository's layout holding a {@code .env}, which must come out untouched, with no file added.
 */
class HelpDoesNothingTest {
  @TempDir
  Path repo;

  private static List<Path> tree(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.sorted().toList();
    }
  }

  @Test
  void everyScriptAnswersHelpWithItsPurposeAndChangesNothing() throws Exception {
    Files.createDirectories(repo.resolve("scripts"));
    List<String> scripts;
    try (Stream<Path> all = Files.list(Path.of("..", "scripts"))) {
      scripts = all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sh") && !n.equals("java.sh"))
          .sorted().toList();
    }
    assertThat(scripts).contains("make-tokens.sh", "run-local.sh", "make-certs.sh", "sites.sh");
    for (String name : scripts) {
      Files.copy(Path.of("..", "scripts", name), repo.resolve("scripts").resolve(name),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Files.copy(Path.of("..", "scripts", "java.sh"), repo.resolve("scripts").resolve("java.sh"));
    Files.writeString(repo.resolve(".env"), "FL_ROUNDS=3\n");
    List<Path> before = tree(repo);
    for (String name : scripts) {
      for (String help : List.of("--help", "-h")) {
        Process p = new ProcessBuilder("bash", "scripts/" + name, help).directory(repo.toFile())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(name + " " + help + ": " + out).isZero();
        assertThat(out).as(name + " " + help).isNotBlank().doesNotStartWith("#");
      }
    }
    assertThat(tree(repo)).as("no file added or removed").isEqualTo(before);
    assertThat(Files.readString(repo.resolve(".env"))).isEqualTo("FL_ROUNDS=3\n");
  }
}
