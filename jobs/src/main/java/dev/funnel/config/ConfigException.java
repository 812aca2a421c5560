package dev.funnel.config;

/** A configuration that cannot be used; the message names the key and the bad value. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the user as is. */
  public ConfigException(String message) {
    super(message);
  }

  /** Creates an exception with a formatted message, in the style of {@code checkArgument}. */
  public static ConfigException of(String format, Object... args) {
    return new ConfigException(String.format(format, args));
  }

  /**
   * Throws a {@link ConfigException} with the formatted message when {@code condition} is false.
   */
  public static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw of(format, args);
    }
  }
}
