package dev.fedlearn.aggregator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The aggregator's packages, checked on its compiled main classes (docs/design.md, "Layers"): the run (the domain)
 * speaks no HTTP, knows no Spring and uses none of the packages built around it; the API uses the run, never the
 * store; no cycles between the packages. A rule that fails names the rule, why it holds, and each class, member and
 * line that breaks it.
 */
class ArchitectureTest {
  private static final String SERVICE = "dev.fedlearn.aggregator";
  /** The HTTP API: controllers, problem details, long-poll admission, health, OpenAPI, the wire formats. */
  private static final String API = SERVICE + ".api";
  /** The domain: the run's state machine, its rules, events and views, and the interface of its store. */
  private static final String RUN = SERVICE + ".run";
  /** Persistence: the run's store on JDBC (H2 or PostgreSQL). */
  private static final String STORE = SERVICE + ".store";
  /** Who may call what: tokens, certificates, the firewall, refusals. */
  private static final String SECURITY = SERVICE + ".security";
  /** Spring's wiring: the settings, the run's beans, the round deadlines' schedule, startup failure reports. */
  private static final String CONFIG = SERVICE + ".config";
  private static final String METRICS = SERVICE + ".metrics";
  private static final String TLS = SERVICE + ".tls";

  private static final List<String> PACKAGES = List.of(SERVICE, API, RUN, STORE, SECURITY, CONFIG, METRICS, TLS);

  /**
   * A package of the service ({@code pkg}, without its subpackages) and what its classes must not use: packages, or
   * with a trailing {@code ..} packages and every package under them.
   */
  private record Rule(String name, String pkg, List<String> mustNotUse, String because) {}

  private static final List<Rule> RULES = List.of(
      new Rule("the domain (run) speaks no HTTP and knows no Spring", RUN,
          List.of("org.springframework..", "jakarta.servlet..", "javax.servlet..", "jakarta.ws.rs..", "javax.ws.rs..",
              "java.net.http.."),
          "the run is plain Java on shared-model: HTTP, servlets and Spring (its web framework, its wiring, its"
              + " scheduling) belong to the packages around it, so the run is tested and reasoned about without them"),
      new Rule("the domain (run) uses none of the service's other packages", RUN,
          List.of(SERVICE, API, STORE, SECURITY, CONFIG, METRICS, TLS),
          "the API, the store, security, the wiring, metrics and TLS are built around the run (the store implements"
              + " its RunStore), never the other way"),
      new Rule("the API uses the domain, never the store", API, List.of(STORE),
          "the controllers go through the run, which alone writes the store, under its lock and after its checks"));

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages(SERVICE);

  @Test
  void theMainClassesAreThere() {
    assertThat(MAIN.stream().map(JavaClass::getPackageName).distinct())
        .as("the compiled main classes: every package the rules name has classes, and no other package exists")
        .containsExactlyInAnyOrderElementsOf(PACKAGES);
  }

  /** One test per rule, named by it: a failure says which class reached for what, and where. */
  @TestFactory
  Stream<DynamicTest> eachPackageUsesNothingItMustNot() {
    return RULES.stream().map(r -> DynamicTest.dynamicTest(r.name() + " (" + r.pkg() + ")",
        () -> noClasses().that().resideInAPackage(r.pkg())
            .should().dependOnClassesThat().resideInAnyPackage(r.mustNotUse().toArray(String[]::new))
            .as(r.name()).because(r.because() + " (docs/design.md, Layers)").check(MAIN)));
  }

  /**
   * The same rules on the sources' {@code import} lines, which the compiled classes do not keep when an import serves
   * only the Javadoc (or a constant the compiler inlined).
   */
  @Test
  void eachSourceImportsNothingItMustNot() throws IOException {
    Path main = Path.of("src/main/java");
    assertThat(main).as("run from the aggregator-service module").isDirectory();
    Pattern imported = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
    List<String> offenders = new ArrayList<>();
    for (Rule r : RULES) {
      try (Stream<Path> files = Files.list(main.resolve(r.pkg().replace('.', '/')))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          Matcher m = imported.matcher(Files.readString(f));
          while (m.find()) {
            String pkg = packageOf(m.group(1));
            r.mustNotUse().stream().filter(p -> p.endsWith("..")
                    ? pkg.equals(p.substring(0, p.length() - 2)) || pkg.startsWith(p.substring(0, p.length() - 1))
                    : pkg.equals(p))
                .findFirst().ifPresent(p -> offenders.add(main.relativize(f) + " imports " + m.group(1) + ": "
                    + r.name() + " (" + p + ")"));
          }
        }
      }
    }
    assertThat(offenders).as("imports against the rules (docs/design.md, Layers)").isEmpty();
  }

  /** The package of an imported name: its segments up to the first that starts with a capital (a class). */
  private static String packageOf(String name) {
    List<String> parts = new ArrayList<>();
    for (String s : name.split("\\.")) {
      if (Character.isUpperCase(s.charAt(0))) {
        break;
      }
      parts.add(s);
    }
    return String.join(".", parts);
  }

  /** Each package of the service one slice, its root package ({@code AggregatorApplication}) one too. */
  private static final SliceAssignment PACKAGE_BY_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      if (p.equals(SERVICE)) {
        return SliceIdentifier.of(SERVICE);
      }
      return p.startsWith(SERVICE + ".")
          ? SliceIdentifier.of(SERVICE + "." + p.substring(SERVICE.length() + 1).split("\\.")[0])
          : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the packages of " + SERVICE;
    }
  };

  @Test
  void thePackagesAreFreeOfCycles() {
    slices().assignedFrom(PACKAGE_BY_PACKAGE).should().beFreeOfCycles()
        .because("each package (run, api, store, security, config, ...) must be understood, tested and changed"
            + " without the packages that use it (docs/design.md, Layers)").check(MAIN);
  }
}
