package dev.fedlearn.engine.nn;

import java.util.Locale;

/**
 * Chooses the kernel: the Vector API one when {@code jdk.incubator.vector} is in the boot layer (the JVM was started
 * with {@code --add-modules jdk.incubator.vector}), the scalar reference otherwise. Both give identical bits, so
 * the choice changes speed only. The system property {@code fl.kernel} ({@code auto}, {@code vector},
 * {@code scalar}) overrides it.
 */
public final class Kernels {
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  private Kernels() {}

  public static boolean vectorAvailable() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** A new kernel instance (kernels hold scratch space: one per thread). */
  public static Kernel create() {
    return create(System.getProperty("fl.kernel", "auto"));
  }

  public static Kernel create(String choice) {
    switch (choice.toLowerCase(Locale.ROOT)) {
      case "scalar":
        return new ScalarKernel();
      case "vector":
        if (!vectorAvailable()) {
          throw new IllegalStateException("the vector kernel needs the JVM option --add-modules " + VECTOR_MODULE);
        }
        return newVectorKernel();
      case "auto":
        return vectorAvailable() ? newVectorKernel() : new ScalarKernel();
      default:
        throw new IllegalArgumentException("unknown kernel '" + choice + "': use auto, vector or scalar");
    }
  }

  /** The name of the kernel {@link #create()} picks. */
  public static String defaultName() {
    return create().name();
  }

  private static Kernel newVectorKernel() {
    // Loaded by name so that this class links without the incubator module.
    try {
      return (Kernel) Class.forName("dev.fedlearn.engine.nn.VectorKernel").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the vector kernel", e);
    }
  }
}
