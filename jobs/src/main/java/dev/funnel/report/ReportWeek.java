package dev.funnel.report;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO week (Monday to Sunday) of the funnel's calendar, as {@code 2026-W48}.
 *
 * @param monday the week's first day
 */
public record ReportWeek(LocalDate monday) {
  private static final Pattern LABEL = Pattern.compile("(\\d{4})-W(\\d{2})");

  /** Checks that the day is a Monday. */
  public ReportWeek {
    if (monday.getDayOfWeek() != DayOfWeek.MONDAY) {
      throw new IllegalArgumentException(monday + " is not a Monday");
    }
  }

  /** Parses {@code YYYY-Www}; throws {@link IllegalArgumentException} naming the value. */
  public static ReportWeek parse(String label) {
    Matcher m = LABEL.matcher(label.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + label + "' is not an ISO week (expected YYYY-Www, e.g. 2026-W48)");
    }
    try {
      LocalDate day = LocalDate.parse(label.trim() + "-1", DateTimeFormatter.ISO_WEEK_DATE);
      return new ReportWeek(day);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + label + "' is not an ISO week of its year");
    }
  }

  /** The week that contains a day. */
  public static ReportWeek of(LocalDate day) {
    return new ReportWeek(day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
  }

  /**
   * The default week of the report: the last complete ISO week before today in the funnel's zone
   * (on a Monday, the week that ended yesterday).
   */
  public static ReportWeek lastComplete(Clock clock, ZoneId zone) {
    return of(LocalDate.now(clock.withZone(zone))).previous();
  }

  /** The week before. */
  public ReportWeek previous() {
    return new ReportWeek(monday.minusWeeks(1));
  }

  /** The week's last day (Sunday). */
  public LocalDate sunday() {
    return monday.plusDays(6);
  }

  /** {@code 2026-W48}. */
  public String label() {
    return String.format(
        java.util.Locale.ROOT,
        "%d-W%02d",
        monday.get(IsoFields.WEEK_BASED_YEAR),
        monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }
}
