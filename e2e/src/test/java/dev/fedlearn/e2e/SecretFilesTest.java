package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts that write secrets leave no private key, token file or {@code .env} readable by other local users (the
 * audit found the CA's key world-readable: anyone on the machine could sign a client certificate for any id). Each
 * script runs in a copy of the repository's layout, so the checkout's own {@code .env} and {@code certs/} are left
 * alone.
 */
class SecretFilesTest {
  static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

  @TempDir
  Path repo;

  private Path script(String name) throws Exception {
    Files.createDirectories(repo.resolve("scripts"));
    Path copy = repo.resolve("scripts").resolve(name);
    Files.copy(Path.of("..", "scripts", name), copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private static void privateFile(Path file) throws Exception {
    assertThat(Files.getPosixFilePermissions(file)).as(file.toString()).doesNotContainAnyElementsOf(OTHERS);
  }

  @Test
  void makeCertsWritesEveryPrivateKeyReadableByItsOwnerOnly() throws Exception {
    run(repo, "bash", script("make-certs.sh").toString(), "--out", "certs", "--clients", "2");
    Path certs = repo.resolve("certs");
    for (String key : List.of("ca.key", "aggregator.key", "client-1.key", "client-2.key")) {
      privateFile(certs.resolve(key));
    }
    assertThat(Files.getPosixFilePermissions(certs.resolve("ca.crt"))).contains(PosixFilePermission.OTHERS_READ);
  }

  @Test
  void makeTokensWritesTheEnvFileAndTheSecretFilesReadableByTheirOwnerOnly() throws Exception {
    Files.writeString(repo.resolve(".env"), "FL_ROUNDS=3\n");
    Files.setPosixFilePermissions(repo.resolve(".env"), java.nio.file.attribute.PosixFilePermissions.fromString(
        "rw-r--r--"));
    Path script = script("make-tokens.sh");
    run(repo, "bash", script.toString());
    privateFile(repo.resolve(".env"));
    assertThat(Files.readString(repo.resolve(".env"))).contains("FL_ROUNDS=3").contains("FL_CLIENT_TOKENS=");
    run(repo, "bash", script.toString(), "--secrets");
    privateFile(repo.resolve("secrets/client-tokens.txt"));
    for (int c = 1; c <= 4; c++) {
      privateFile(repo.resolve("secrets/client-" + c + ".token"));
    }
  }
}
