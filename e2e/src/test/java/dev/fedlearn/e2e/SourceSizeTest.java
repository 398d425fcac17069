package dev.fedlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No main source file of any module is over {@value #LIMIT} lines, but those listed with a reason in
 * {@code docs/design.md} ("Files over 400 lines": a table {@code | file | lines | why |}, the file's path from the
 * repository root, its line count when listed, the reason). A listed file may shrink but not grow past its count; a
 * row whose file is gone or back under the limit must be removed.
 */
class SourceSizeTest {
  static final int LIMIT = 400;
  static final String DESIGN = "docs/design.md";
  static final String SECTION = "## Files over 400 lines";
  /** Folders never searched: build output, Git's own, installed packages. */
  static final Set<String> SKIPPED = Set.of("target", ".git", "node_modules");

  record Allowed(int lines, String why) {}

  static Path root;
  /** Every main source file, by its path from the repository root ({@code /}-separated), with its line count. */
  static Map<String, Integer> sizes;
  static Map<String, Allowed> allowed;

  @BeforeAll
  static void read() throws IOException {
    root = repositoryRoot();
    sizes = mainSources(root);
    allowed = allowList(root.resolve(DESIGN));
  }

  @Test
  void noMainSourceFileIsOverTheLimitUnlessAllowed() {
    assertThat(sizes).as("main sources found under " + root).hasSizeGreaterThan(100);
    List<String> over = new ArrayList<>();
    sizes.forEach((file, lines) -> {
      if (lines > LIMIT && !allowed.containsKey(file)) {
        over.add(file + ": " + lines + " lines");
      }
    });
    assertThat(over).as("main source files over " + LIMIT + " lines: split each by concern (or, for a good reason, "
        + "list it in " + DESIGN + ", \"Files over 400 lines\": | file | lines | why |)").isEmpty();
  }

  @Test
  void noAllowedFileGrowsPastItsListedSize() {
    List<String> grown = new ArrayList<>();
    allowed.forEach((file, a) -> {
      Integer lines = sizes.get(file);
      if (lines != null && lines > a.lines()) {
        grown.add(file + ": " + lines + " lines, listed at " + a.lines());
      }
    });
    assertThat(grown).as("files over " + LIMIT + " lines that grew past their count in " + DESIGN + " (the list "
        + "lets a file shrink, not grow)").isEmpty();
  }

  @Test
  void everyRowOfTheAllowListIsStillNeededAndSaysWhy() {
    List<String> stale = new ArrayList<>();
    allowed.forEach((file, a) -> {
      Integer lines = sizes.get(file);
      if (lines == null) {
        stale.add(file + ": no such main source file");
      } else if (lines <= LIMIT) {
        stale.add(file + ": " + lines + " lines, within the limit");
      }
      if (a.why().isBlank()) {
        stale.add(file + ": no reason given");
      }
    });
    assertThat(stale).as("rows of " + DESIGN + ", \"Files over 400 lines\", to remove or complete").isEmpty();
  }

  /** The nearest folder above the working directory (the module's, under Maven) that holds {@code .mvn}. */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(".mvn")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new AssertionError("no repository root (a folder with .mvn and pom.xml) above "
        + Path.of("").toAbsolutePath());
  }

  static Map<String, Integer> mainSources(Path root) throws IOException {
    Map<String, Integer> out = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return SKIPPED.contains(String.valueOf(dir.getFileName())) ? FileVisitResult.SKIP_SUBTREE
            : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (relative.endsWith(".java") && relative.contains("/src/main/java/")) {
          try (var lines = Files.lines(file)) {
            out.put(relative, (int) lines.count());
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  /** The rows of the table under {@link #SECTION}: the file (backticks dropped), its listed lines and the reason. */
  static Map<String, Allowed> allowList(Path design) throws IOException {
    assertThat(design).as("the allow-list of files over " + LIMIT + " lines").isRegularFile();
    List<String> lines = Files.readAllLines(design);
    int at = lines.indexOf(SECTION);
    assertThat(at).as(design + " has no section \"" + SECTION + "\"").isNotNegative();
    Map<String, Allowed> out = new LinkedHashMap<>();
    boolean header = false;
    for (String line : lines.subList(at + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      if (!line.startsWith("|")) {
        continue;
      }
      String[] cells = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length()).split("\\|", -1);
      assertThat(cells).as("a row of the table | file | lines | why |: " + line).hasSize(3);
      String file = cells[0].strip().replace("`", "");
      if (!header) {
        assertThat(line.replace(" ", "")).as("the table's header in " + DESIGN).isEqualTo("|file|lines|why|");
        header = true;
        continue;
      }
      if (file.matches("-+")) {
        continue;
      }
      int listed;
      try {
        listed = Integer.parseInt(cells[1].strip());
      } catch (NumberFormatException e) {
        throw new AssertionError(DESIGN + ": the lines of " + file + " are not a number: " + line, e);
      }
      assertThat(out.put(file, new Allowed(listed, cells[2].strip()))).as(file + " listed twice in " + DESIGN)
          .isNull();
    }
    assertThat(header).as(DESIGN + ", \"" + SECTION + "\": no table | file | lines | why |").isTrue();
    return out;
  }
}
