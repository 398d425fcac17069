package dev.fedlearn.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * {@code fl.jar}'s entry point, compiled for Java 8 (every other class needs Java 25), so that an older {@code java}
 * says in one line on stderr that fl needs Java 25, and how to run it, instead of failing to load {@link Main} with
 * an {@code UnsupportedClassVersionError}. On Java 25 or newer it runs {@link Main}.
 */
public final class Launcher {
  static final int REQUIRED = 25;

  private Launcher() {}

  public static void main(String[] args) throws Throwable {
    String version = System.getProperty("java.specification.version", "0"); // "1.8", "17", "25"
    if (feature(version) < REQUIRED) {
      System.err.println("fl: needs Java " + REQUIRED + " or newer, and this java (" + System.getProperty("java.home")
          + ") is Java " + version + ": run fl.jar with a JDK " + REQUIRED + "'s java, e.g. $JAVA_HOME/bin/java -jar"
          + " fl.jar with JAVA_HOME pointing at a JDK " + REQUIRED);
      System.exit(1);
    }
    try {
      Class.forName("dev.fedlearn.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The feature release of a {@code java.specification.version}: 8 for "1.8", 25 for "25". */
  static int feature(String version) {
    String v = version.startsWith("1.") ? version.substring(2) : version;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}
