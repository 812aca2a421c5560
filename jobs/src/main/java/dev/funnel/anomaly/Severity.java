package dev.funnel.anomaly;

import java.util.Locale;

/** How urgent a row is; the lower-case names are the {@code severity} column's values. */
public enum Severity {
  /** Strong evidence of a large change. */
  CRITICAL,
  /** Every other flag. */
  WARNING,
  /** Listed for completeness: a cell too small to judge. */
  INFO;

  /** The column value. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
