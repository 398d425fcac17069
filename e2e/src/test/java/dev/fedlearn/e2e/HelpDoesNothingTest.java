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
 * {@code .env} with new tokens, {@code run-local.sh --help} started a run, {@code benchmarks/paper/mcmahan.sh --help}
 * ran the paper's two runs. Each script of scripts/ and benchmarks/ runs in a copy of the repository's layout
 * holding a {@code .env}, which must come out untouched, with no file added.
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
    List<Path> scripts = new java.util.ArrayList<>();
    for (String folder : List.of("scripts", "benchmarks")) {
      try (Stream<Path> all = Files.walk(Path.of("..", folder))) {
        all.filter(p -> p.toString().endsWith(".sh") && !Path.of("..").relativize(p).startsWith(
            Path.of(folder, "target")))
            .map(p -> Path.of("..").relativize(p)).sorted().forEach(scripts::add);
      }
    }
    assertThat(scripts).contains(Path.of("scripts", "make-tokens.sh"), Path.of("scripts", "run-local.sh"),
        Path.of("scripts", "make-certs.sh"), Path.of("scripts", "sites.sh"), Path.of("benchmarks", "figures.sh"),
        Path.of("benchmarks", "paper", "mcmahan.sh"), Path.of("benchmarks", "privacy", "secagg.sh"));
    for (Path script : scripts) {
      Files.createDirectories(repo.resolve(script).getParent());
      Files.copy(Path.of("..").resolve(script), repo.resolve(script), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(repo.resolve(".env"), "FL_ROUNDS=3\n");
    List<Path> before = tree(repo);
    for (Path script : scripts) {
      if (script.endsWith("java.sh")) {
        continue; // sourced by the others, not run
      }
      for (String help : List.of("--help", "-h")) {
        Process p = new ProcessBuilder("bash", script.toString(), help).directory(repo.toFile())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(script + " " + help + ": " + out).isZero();
        assertThat(out).as(script + " " + help).isNotBlank().doesNotStartWith("#");
      }
    }
    assertThat(tree(repo)).as("no file added or removed").isEqualTo(before);
    assertThat(Files.readString(repo.resolve(".env"))).isEqualTo("FL_ROUNDS=3\n");
  }
}
