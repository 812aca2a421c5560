package dev.funnel.cli;

import dev.funnel.config.ConfigException;
import dev.funnel.io.InputException;
import dev.funnel.io.OutputLock;
import picocli.CommandLine;

/** The process exit codes schedulers rely on, and which failures map to which. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** Anything not covered below. */
  public static final int FAILURE = 1;

  /** Usage or configuration error: fix the command line or the YAML. */
  public static final int USAGE = 2;

  /** Input data error: missing path, schema mismatch, unreadable files. */
  public static final int INPUT = 3;

  /** Another run holds the output lock (or took it over from this run). */
  public static final int LOCKED = 4;

  /** The report was written but could not be mailed. */
  public static final int MAIL = 5;

  private ExitCodes() {}

  /** The exit code for a failure. */
  public static int of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
        return USAGE;
      }
      if (t instanceof InputException) {
        return INPUT;
      }
      if (t instanceof OutputLock.LockedException || t instanceof OutputLock.LostException) {
        return LOCKED;
      }
    }
    return FAILURE;
  }
}
