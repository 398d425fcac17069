package dev.fedlearn;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameContaining;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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
 * The architecture of shared-model, checked on its compiled main classes (docs/design.md, "Layers"): the engine at the
 * bottom, the protocol on it, the federation on both; no cycles between packages; and no HTTP, which is the services'
 * business. A rule that fails names the rule, why it holds, and each class, member and line that breaks it.
 */
class ArchitectureTest {
  /**
   * A part of shared-model: its package ({@code withSubpackages}: and every package under it) and the parts its classes
   * may use besides their own. The order is the diagram's, bottom up.
   */
  private record Layer(String name, String pkg, boolean withSubpackages, List<String> mayUse) {
    String identifier() {
      return withSubpackages ? pkg + ".." : pkg;
    }

    boolean holds(String packageName) {
      return packageName.equals(pkg) || withSubpackages && packageName.startsWith(pkg + ".");
    }
  }

  private static final String DEFAULTS = "Defaults";
  private static final String DATA = "Engine data";
  private static final String NN = "Engine nn";
  private static final String PROTOCOL = "Protocol";
  private static final String STRATEGY = "Federation strategy";
  private static final String PRIVACY = "Federation privacy";
  private static final String SECAGG = "Federation secagg";
  private static final String WORKFLOW = "Federation workflow";
  private static final String RUN = "Federation run";
  private static final String SIMULATION = "Federation simulation";

  private static final List<Layer> LAYERS = List.of(
      new Layer(DEFAULTS, "dev.fedlearn", false, List.of()),
      new Layer(DATA, "dev.fedlearn.engine.data", true, List.of(DEFAULTS)),
      new Layer(NN, "dev.fedlearn.engine.nn", true, List.of(DEFAULTS, DATA)),
      new Layer(PROTOCOL, "dev.fedlearn.protocol", true, List.of(DEFAULTS, DATA, NN)),
      new Layer(STRATEGY, "dev.fedlearn.federation.strategy", true, List.of(DEFAULTS, DATA, NN, PROTOCOL)),
      new Layer(PRIVACY, "dev.fedlearn.federation.privacy", true, List.of(DEFAULTS, DATA, NN, PROTOCOL, STRATEGY)),
      new Layer(SECAGG, "dev.fedlearn.federation.secagg", true,
          List.of(DEFAULTS, DATA, NN, PROTOCOL, STRATEGY, PRIVACY)),
      new Layer(WORKFLOW, "dev.fedlearn.federation", false,
          List.of(DEFAULTS, DATA, NN, PROTOCOL, STRATEGY, PRIVACY, SECAGG)),
      new Layer(RUN, "dev.fedlearn.federation.run", true,
          List.of(DEFAULTS, DATA, NN, PROTOCOL, STRATEGY, PRIVACY, SECAGG, WORKFLOW)),
      new Layer(SIMULATION, "dev.fedlearn.federation.simulation", true,
          List.of(DEFAULTS, DATA, NN, PROTOCOL, STRATEGY, PRIVACY, SECAGG, WORKFLOW, RUN)));

  /** What the domain must not speak: the services' web framework, servlets, JAX-RS and every HTTP client. */
  private static final String[] HTTP_PACKAGES = {
    "org.springframework..", "jakarta.servlet..", "javax.servlet..", "jakarta.ws.rs..", "javax.ws.rs..",
    "java.net.http..", "com.sun.net.httpserver..", "org.apache.http..", "org.apache.hc..", "okhttp3.."
  };

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages("dev.fedlearn");

  @Test
  void theMainClassesAreThere() {
    assertThat(MAIN.stream().map(c -> c.getPackageName()).distinct())
        .as("the compiled main classes, one package per layer")
        .containsAll(LAYERS.stream().map(Layer::pkg).toList());
  }

  /** One test per layer, named by it: a failure says which layer reached for which, and where. */
  @TestFactory
  Stream<DynamicTest> eachLayerUsesOnlyTheLayersBelowIt() {
    return LAYERS.stream().map(l -> {
      String[] others = LAYERS.stream().filter(o -> o != l && !l.mayUse().contains(o.name())).map(Layer::identifier)
          .toArray(String[]::new);
      String name = l.name() + " (" + l.identifier() + ") uses only " + (l.mayUse().isEmpty() ? "itself" : l.mayUse());
      return DynamicTest.dynamicTest(name, () -> noClasses().that().resideInAPackage(l.identifier())
          .should().dependOnClassesThat().resideInAnyPackage(others).as(name)
          .because("the engine knows nothing of the wire or the federation, the protocol only the engine, and in the"
              + " federation the strategies stand alone, privacy builds on them, secure aggregation on both,"
              + " the run's coordinator on all of them, and the simulation drives the coordinator"
              + " (docs/design.md, Layers)")
          .check(MAIN));
    });
  }

  /**
   * The same directions on the sources' {@code import} lines, which the compiled classes do not keep when an import
   * serves only the Javadoc (or a constant the compiler inlined).
   */
  @Test
  void eachSourceImportsOnlyTheLayersBelowIt() throws IOException {
    Path main = Path.of("src/main/java");
    assertThat(main).as("run from the shared-model module").isDirectory();
    Pattern imported = Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.fedlearn\\.[\\w.]+)\\s*;", Pattern.MULTILINE);
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String pkg = main.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".");
        Layer from = layerOf(pkg);
        Matcher m = imported.matcher(Files.readString(f));
        while (m.find()) {
          Layer to = layerOf(packageOf(m.group(1)));
          if (to != from && !from.mayUse().contains(to.name())) {
            offenders.add(main.relativize(f) + " (" + from.name() + ") imports " + m.group(1) + " (" + to.name()
                + "); " + from.name() + " may use only " + from.mayUse());
          }
        }
      }
    }
    assertThat(offenders).as("imports against the layers (docs/design.md, Layers)").isEmpty();
  }

  private static Layer layerOf(String packageName) {
    return LAYERS.stream().filter(l -> l.holds(packageName))
        .max((a, b) -> Integer.compare(a.pkg().length(), b.pkg().length()))
        .orElseThrow(() -> new AssertionError("package " + packageName + " is in no layer: add it to "
            + "ArchitectureTest.LAYERS and to docs/design.md"));
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

  @Test
  void theTopLevelPackagesAreFreeOfCycles() {
    slices().matching("dev.fedlearn.(*)..").namingSlices("dev.fedlearn.$1").should().beFreeOfCycles()
        .because("engine, protocol and federation are layers: a cycle would make them one").check(MAIN);
  }

  @Test
  void everyPackageIsFreeOfCycles() {
    slices().matching("dev.fedlearn.(**)").namingSlices("dev.fedlearn.$1").should().beFreeOfCycles()
        .because("each package (engine.nn, federation.privacy, ...) must be understood, tested and moved without the"
            + " packages that use it").check(MAIN);
  }

  @Test
  void noClassSpeaksHttp() {
    noClasses().should().dependOnClassesThat(resideInAnyPackage(HTTP_PACKAGES).or(simpleNameContaining("Http")))
        .because("shared-model is the domain, plain Java: HTTP, Spring and servlets belong to the services")
        .check(MAIN);
  }
}
