package dev.funnel.report;

import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Currency;
import java.util.Locale;

/** Numbers and dates as people read them: 12.4%, 3.2 days, €104,300, 23 Nov 2026. */
public final class Formats {
  private static final Locale LOCALE = Locale.UK;
  private static final Locale DATES = Locale.ENGLISH;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM uuuu", DATES);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM uuuu", DATES);
  private static final String NONE = "–";

  private Formats() {}

  /** A share as a percentage with one decimal: 0.124 → 12.4%. */
  public static String percent(Double share) {
    return share == null || share.isNaN() ? NONE : String.format(LOCALE, "%.1f%%", 100 * share);
  }

  /** A change of a share in percentage points with its sign: -0.031 → −3.1 pts. */
  public static String points(double change) {
    String text = String.format(LOCALE, "%.1f pts", 100 * Math.abs(change));
    if (text.equals("0.0 pts")) {
      return "±0.0 pts";
    }
    return (change < 0 ? "−" : "+") + text;
  }

  /** A relative change with its sign: -0.35 → −35%. */
  public static String relative(double change) {
    String text = String.format(LOCALE, "%.0f%%", 100 * Math.abs(change));
    return (change < 0 ? "−" : "+") + text;
  }

  /** A count with thousands separators: 12345 → 12,345. */
  public static String count(double value) {
    return String.format(LOCALE, "%,d", Math.round(value));
  }

  /** A duration: under two days in hours (5.5 hours), else in days (3.2 days). */
  public static String duration(Double hours) {
    if (hours == null || hours.isNaN()) {
      return NONE;
    }
    if (hours < 48) {
      return String.format(LOCALE, "%.1f hours", hours);
    }
    return String.format(LOCALE, "%.1f days", hours / 24);
  }

  /** An amount in a currency without cents: (104300, EUR) → €104,300; no currency → 104,300. */
  public static String money(Double amount, String currency) {
    if (amount == null || amount.isNaN()) {
      return NONE;
    }
    if (currency == null) {
      return count(amount);
    }
    NumberFormat format = NumberFormat.getCurrencyInstance(LOCALE);
    try {
      format.setCurrency(Currency.getInstance(currency));
    } catch (IllegalArgumentException e) {
      return count(amount) + " " + currency;
    }
    format.setMaximumFractionDigits(0);
    format.setMinimumFractionDigits(0);
    return format.format(amount);
  }

  /** A q-value with two significant digits: 0.0031, 0.04; below 0.001 as "q < 0.001". */
  public static String qValue(Double q) {
    if (q == null || q.isNaN()) {
      return NONE;
    }
    if (q < 0.001) {
      return "q < 0.001";
    }
    return "q = "
        + new java.math.BigDecimal(q)
            .round(new java.math.MathContext(2))
            .stripTrailingZeros()
            .toPlainString();
  }

  /** A day: 23 Nov 2026. */
  public static String day(LocalDate day) {
    return day == null ? NONE : DAY.format(day);
  }

  /** A month: Nov 2026. */
  public static String month(LocalDate day) {
    return MONTH.format(day);
  }

  /** The ISO week label of a day: 2026-W48. */
  public static String isoWeek(LocalDate day) {
    return String.format(
        Locale.ROOT,
        "%d-W%02d",
        day.get(IsoFields.WEEK_BASED_YEAR),
        day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }
}
