package dev.fedlearn;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's data folder is: the build passes it as {@code fl.data.dir}. */
public final class TestData {
  private TestData() {}

  public static Path dir() {
    String prop = System.getProperty("fl.data.dir");
    Path p = prop != null ? Path.of(prop) : Path.of("..", "data");
    if (!Files.isDirectory(p.resolve("mnist"))) {
      throw new IllegalStateException("no MNIST under " + p.toAbsolutePath() + ": run from the repository");
    }
    return p;
  }

  public static Path mnist() {
    return dir().resolve("mnist");
  }
}
