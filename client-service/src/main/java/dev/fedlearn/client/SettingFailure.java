package dev.fedlearn.client;

import org.springframework.boot.context.properties.bind.BindException;

/**
 * A start that failed on a setting (a value that does not bind or validate, a shard that cannot be read): it would
 * fail the same way again, so the client says why in one line and exits with status 0, which compose's
 * {@code restart: on-failure} leaves alone instead of restarting it again and again.
 */
final class SettingFailure {
  private SettingFailure() {}

  /** Set by {@code main}, which says why a start failed on a setting in its one line. */
  static volatile boolean reportedByMain;

  /**
   * When {@code main} started the application, takes a start that failed on a setting as reported, so that Spring
   * prints no failure report of its own beside main's one line. Any other failure, or a start by other code (a test),
   * goes on to Spring's reporters.
   */
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
  public static final class Reporter implements org.springframework.boot.SpringBootExceptionReporter {
    @Override
    public boolean reportException(Throwable failure) {
      return reportedByMain && reason(failure) != null;
    }
  }

  /** The one line naming the setting that stopped the start, or null when {@code e} is not about a setting. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        Throwable root = bind;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        String name = bind.getName().toString();
        return name.contains(".") ? name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_') + " ("
            + name + "): " + root.getMessage() : root.getMessage();
      }
      if (t instanceof BadSetting) {
        return t.getMessage();
      }
    }
    return null;
  }
}
