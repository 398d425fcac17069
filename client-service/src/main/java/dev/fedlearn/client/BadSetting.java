package dev.fedlearn.client;

/**
 * A setting this client cannot start with (a shard that cannot be read, say): every start would fail alike, so the
 * client names it in one line and does not ask to be restarted ({@link SettingFailure}).
 */
public class BadSetting extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected BadSetting(String message, Throwable cause) {
    super(message, cause);
  }
}
