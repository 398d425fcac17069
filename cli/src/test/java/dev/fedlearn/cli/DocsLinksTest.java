package dev.fedlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and the pages under docs/ link each other: every relative link (and image) must reach a file that
 * exists and, with a {@code #anchor}, a heading of that file, as GitHub names its headings' anchors (lowercase,
 * punctuation but {@code -} and {@code _} dropped, each space a {@code -}; a repeated anchor gets {@code -1},
 * {@code -2}, ...). Every page under docs/ opens with its title, a summary paragraph and a table of contents: a
 * bulleted list of links, before the first {@code ##} heading, to each of its {@code ##} headings.
 */
class DocsLinksTest {
  static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  static final Pattern HEADING = Pattern.compile("(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*");
  static final Pattern FENCE = Pattern.compile("\\s*(```|~~~).*");
  static final Pattern CODE_SPAN = Pattern.compile("(`+).+?\\1");
  static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  static final Pattern TOC_ENTRY = Pattern.compile("\\s*[*-] \\[[^\\]]+]\\(#([^)\\s]+)\\)");

  record Heading(int line, int level, String text, String anchor) {}

  @Test
  void everyRelativeLinkReachesAFileAndOneOfItsHeadings() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    List<Path> pages = pages(root);
    assertThat(pages).as("README.md, CONTRIBUTING.md and docs/*.md").hasSizeGreaterThan(5);
    assertThat(linkProblems(root, pages)).as("broken relative links (a file moved, a heading renamed?)").isEmpty();
  }

  @Test
  void everyDocsPageHasATitleASummaryAndATableOfContentsOfItsSections() throws IOException {
    Path root = StrategiesCommandTest.repositoryRoot();
    List<String> problems = new ArrayList<>();
    for (Path page : pages(root)) {
      if (page.getParent().equals(root.resolve("docs"))) {
        problems.addAll(contentsProblems(root, page));
      }
    }
    assertThat(problems).as("docs pages without their title, summary or table of contents").isEmpty();
  }

  @Test
  void anchorsAreGitHubs() {
    assertThat(anchors(List.of("# fedlearn — federated learning for Java shops",
        "## Runs: many experiments on one federation", "### The `fl runs` command", "## Java 25: before and after",
        "### A site's own floors", "## Limits", "## Limits", "## Limits", "## Limits-1", "## [Linked](x.md) heading",
        "```", "## not a heading: in a code block", "```", "#not a heading either")).stream()
        .map(Heading::anchor))
        .containsExactly("fedlearn--federated-learning-for-java-shops", "runs-many-experiments-on-one-federation",
            "the-fl-runs-command", "java-25-before-and-after", "a-sites-own-floors", "limits", "limits-1",
            "limits-2", "limits-1-1", "linked-heading");
  }

  @Test
  void aMissingFileOrHeadingIsCaughtAndCodeIsNotALink(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("README.md"), """
        # Title

        See [a](docs/a.md), [its part](docs/a.md#part-two), [gone](docs/gone.md) and [no such part](docs/a.md#part-3).
        ![a picture](docs/missing.png) and [the web](https://example.org/x.md) and `[code](not-a-file.md)`.
        """);
    Files.writeString(root.resolve("docs/a.md"), """
        # A

        Summary.

        * [Part one](#part-one)

        ## Part one

        Back to [the title](../README.md#title), [here](#part-one), [nowhere](#part-one-1).

        ```
        [in a code block](nowhere.md)
        ```

        ## Part two
        """);
    List<String> problems = linkProblems(root, List.of(root.resolve("README.md"), root.resolve("docs/a.md")));
    assertThat(problems).containsExactly(
        "README.md:3: docs/gone.md: no such file",
        "README.md:3: docs/a.md#part-3: no heading of docs/a.md has the anchor part-3",
        "README.md:4: docs/missing.png: no such file",
        "docs/a.md:9: #part-one-1: no heading of docs/a.md has the anchor part-one-1");
    assertThat(contentsProblems(root, root.resolve("docs/a.md")))
        .containsExactly("docs/a.md: its table of contents (a list of links before the first ## heading) lacks "
            + "## Part two (#part-two)");
  }

  /** The README, CONTRIBUTING.md, every page under docs/ and benchmarks/' README and history, in a fixed order. */
  static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("CONTRIBUTING.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    pages.add(root.resolve("benchmarks/README.md"));
    pages.add(root.resolve("benchmarks/history.md"));
    return pages;
  }

  /** Each relative link of the pages whose file or heading does not exist, as {@code file:line: target: why}. */
  static List<String> linkProblems(Path root, List<Path> pages) throws IOException {
    Map<Path, Set<String>> anchorsOf = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page);
      boolean code = false;
      for (int i = 0; i < lines.size(); i++) {
        if (FENCE.matcher(lines.get(i)).matches()) {
          code = !code;
          continue;
        }
        if (code) {
          continue;
        }
        Matcher m = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
        while (m.find()) {
          String target = m.group(2);
          if (SCHEME.matcher(target).matches()) {
            continue;
          }
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path to = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
          String where = name(root, page) + ":" + (i + 1) + ": " + target + ": ";
          if (!to.startsWith(root) || !Files.exists(to)) {
            problems.add(where + "no such file");
          } else if (hash >= 0) {
            String anchor = target.substring(hash + 1);
            Set<String> known = anchorsOf.computeIfAbsent(to, DocsLinksTest::anchorsOrNone);
            if (!known.contains(anchor)) {
              problems.add(where + "no heading of " + name(root, to) + " has the anchor " + anchor);
            }
          }
        }
      }
    }
    return problems;
  }

  /** What a docs page lacks of its title, its summary paragraph and its table of contents. */
  static List<String> contentsProblems(Path root, Path page) throws IOException {
    List<String> lines = Files.readAllLines(page);
    String name = name(root, page);
    List<String> problems = new ArrayList<>();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      return List.of(name + ": the first line is not its title (# Title)");
    }
    String first = lines.stream().skip(1).filter(l -> !l.isBlank()).findFirst().orElse("");
    if (first.startsWith("#") || first.startsWith("* ") || first.startsWith("- ") || first.startsWith("|")
        || first.startsWith("```")) {
      problems.add(name + ": no summary paragraph after the title");
    }
    List<Heading> headings = anchors(lines);
    int firstSection = headings.stream().filter(h -> h.level() == 2).mapToInt(Heading::line).findFirst()
        .orElse(lines.size());
    Set<String> contents = new LinkedHashSet<>();
    for (String line : lines.subList(0, firstSection)) {
      Matcher m = TOC_ENTRY.matcher(line);
      if (m.matches()) {
        contents.add(m.group(1));
      }
    }
    for (Heading h : headings) {
      if (h.level() == 2 && !contents.contains(h.anchor())) {
        problems.add(name + ": its table of contents (a list of links before the first ## heading) lacks ## "
            + h.text() + " (#" + h.anchor() + ")");
      }
    }
    return problems;
  }

  /** The headings of a Markdown file outside code blocks, with their GitHub anchors, in order. */
  static List<Heading> anchors(List<String> lines) {
    Map<String, Integer> seen = new HashMap<>();
    List<Heading> headings = new ArrayList<>();
    boolean code = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FENCE.matcher(line).matches()) {
        code = !code;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (code || !m.matches()) {
        continue;
      }
      String slug = slug(m.group(2));
      String anchor = slug;
      while (seen.containsKey(anchor)) {
        int n = seen.merge(slug, 1, Integer::sum);
        anchor = slug + "-" + n;
      }
      seen.put(anchor, 0);
      headings.add(new Heading(i, m.group(1).length(), m.group(2), anchor));
    }
    return headings;
  }

  /** GitHub's anchor of a heading's text: its rendered text lowercased, punctuation dropped, spaces made '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").replace("`", "").toLowerCase(Locale.ROOT);
    StringBuilder anchor = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (c == ' ') {
        anchor.append('-');
      } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        anchor.appendCodePoint(c);
      }
    });
    return anchor.toString();
  }

  static Set<String> anchorsOrNone(Path file) {
    if (!file.getFileName().toString().endsWith(".md")) {
      return Set.of();
    }
    try {
      return new LinkedHashSet<>(anchors(Files.readAllLines(file)).stream().map(Heading::anchor).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String name(Path root, Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }
}
