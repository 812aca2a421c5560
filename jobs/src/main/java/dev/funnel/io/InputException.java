package dev.funnel.io;

/** Input data that cannot be used: a missing path, a schema mismatch, an unreadable file. */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the user as is. */
  public InputException(String message) {
    super(message);
  }

  /** Creates an exception whose message is shown to the user, keeping the cause for the log. */
  public InputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Formats a message in the style of {@code checkArgument}. */
  public static InputException of(String format, Object... args) {
    return new InputException(String.format(format, args));
  }
}
