package dev.fedlearn.architecture;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A service's packages, checked on its compiled main classes (docs/design.md, "Layers"): each service's
 * {@code ArchitectureTest} names its packages and its rules (what each package must not use); this class checks them
 * on the classes and on the sources' imports, and checks that the packages are free of cycles. A rule that fails
 * names the rule, why it holds, and each class, member and line that breaks it.
 */
public abstract class ServiceArchitecture {
  /** Packages of anything that speaks HTTP or is Spring: what a service's domain must not use. */
  public static final List<String> HTTP_AND_SPRING = List.of("org.springframework..", "jakarta.servlet..",
      "javax.servlet..", "jakarta.ws.rs..", "javax.ws.rs..", "java.net.http..");

  /**
   * A package of the service ({@code pkg}, without its subpackages) and what its classes must not use: packages, or
   * with a trailing {@code ..} packages and every package under them.
   */
  public record Rule(String name, String pkg, List<String> mustNotUse, String because) {}

  /** The service's root package. */
  protected abstract String service();

  /** Every package of the service, its root package included. */
  protected abstract List<String> packages();

  /** What each package must not use. */
  protected abstract List<Rule> rules();

  /** The services' compiled main classes, imported once per service (JUnit makes an instance per test). */
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  /**
   * The service's own main classes, without the bean registrations Spring's AOT processing generates into the same
   * folder when the module is packaged ({@code Foo__BeanDefinitions}: they wire every package to every other).
   */
  private JavaClasses main() {
    return IMPORTED.computeIfAbsent(service(), pkg -> new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .withImportOption(location -> !location.contains("__"))
        .importPackages(pkg));
  }

  @Test
  void theMainClassesAreThere() {
    assertThat(main().stream().map(JavaClass::getPackageName).distinct())
        .as("the compiled main classes: every package the rules name has classes, and no other package exists")
        .containsExactlyInAnyOrderElementsOf(packages());
  }

  /** One test per rule, named by it: a failure says which class reached for what, and where. */
  @TestFactory
  Stream<DynamicTest> eachPackageUsesNothingItMustNot() {
    return rules().stream().map(r -> DynamicTest.dynamicTest(r.name() + " (" + r.pkg() + ")",
        () -> noClasses().that().resideInAPackage(r.pkg())
            .should().dependOnClassesThat().resideInAnyPackage(r.mustNotUse().toArray(String[]::new))
            .as(r.name()).because(r.because() + " (docs/design.md, Layers)").check(main())));
  }

  /**
   * The same rules on the sources' {@code import} lines, which the compiled classes do not keep when an import serves
   * only the Javadoc (or a constant the compiler inlined).
   */
  @Test
  void eachSourceImportsNothingItMustNot() throws IOException {
    Path sources = Path.of("src/main/java");
    assertThat(sources).as("run from the service's module").isDirectory();
    Pattern imported = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\s*;", Pattern.MULTILINE);
    List<String> offenders = new ArrayList<>();
    for (Rule r : rules()) {
      try (Stream<Path> files = Files.list(sources.resolve(r.pkg().replace('.', '/')))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          Matcher m = imported.matcher(Files.readString(f));
          while (m.find()) {
            String pkg = packageOf(m.group(1));
            r.mustNotUse().stream().filter(p -> p.endsWith("..")
                    ? pkg.equals(p.substring(0, p.length() - 2)) || pkg.startsWith(p.substring(0, p.length() - 1))
                    : pkg.equals(p))
                .findFirst().ifPresent(p -> offenders.add(sources.relativize(f) + " imports " + m.group(1) + ": "
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

  /** Each package of the service one slice, its root package (the application and its settings) one too. */
  private final SliceAssignment packageByPackage = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      if (p.equals(service())) {
        return SliceIdentifier.of(service());
      }
      return p.startsWith(service() + ".")
          ? SliceIdentifier.of(service() + "." + p.substring(service().length() + 1).split("\\.")[0])
          : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the packages of " + service();
    }
  };

  @Test
  void thePackagesAreFreeOfCycles() {
    slices().assignedFrom(packageByPackage).should().beFreeOfCycles()
        .because("each package must be understood, tested and changed"
            + " without the packages that use it (docs/design.md, Layers)").check(main());
  }
}
