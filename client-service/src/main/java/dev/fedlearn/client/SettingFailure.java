package dev.fedlearn.client;

import org.springframework.boot.context.properties.bind.BindException;

/**
 * A start that failed on a setting (a value that does not bind or validate, a shard that cannot be read): it would
 * fail the same way again, so the client says why in one line and exits with status 0, which compose's
 * {@code restart: on-failure} leaves alone instead of restarting it again and again.
 */
final class SettingFailure {
  private SettingFailure() {}

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
