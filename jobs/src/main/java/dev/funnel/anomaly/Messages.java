package dev.funnel.anomaly;

import java.time.LocalDate;
import java.util.Locale;

/** The plain sentences of anomaly rows: people's words and numbers, no column names. */
final class Messages {
  private Messages() {}

  /** A stage as people write it: short names in capitals (MQL), others capitalised (Lead). */
  static String stage(String name) {
    if (name.length() <= 3) {
      return name.toUpperCase(Locale.ROOT);
    }
    return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }

  /** "for source = paid_search", or "for all leads" on the total cell. */
  static String who(CellKey cell) {
    if (cell.dimension().equals(AnomalyJudge.ALL)) {
      return "for all leads";
    }
    return "for " + cell.dimension() + " = " + cell.dimensionValue();
  }

  static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
  }

  static String count(double value) {
    return String.format(Locale.ROOT, "%,d", Math.round(value));
  }

  static String q(Double q) {
    if (q == null) {
      return "";
    }
    return q < 0.001 ? "q < 0.001" : String.format(Locale.ROOT, "q = %.3f", q);
  }

  static String duration(double hours) {
    if (hours < 48) {
      return String.format(Locale.ROOT, "%.1f hours", hours);
    }
    return String.format(Locale.ROOT, "%.1f days", hours / 24);
  }

  /** "in the week of D" for a single (latest) week, "since the week of D" for a pooled run. */
  static String when(LocalDate start, boolean single) {
    return (single ? "in the week of " : "since the week of ") + start;
  }
}
