package dev.funnel.config;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Set;

/**
 * The business-hours calendar used by {@code clock: business}, in the funnel's time zone: a window
 * from {@code start} to {@code end} on each business day, except holidays.
 *
 * @param days business days of the week
 * @param start opening time (local)
 * @param end closing time (local), after start
 * @param holidays days without business hours
 */
public record BusinessHours(
    Set<DayOfWeek> days, LocalTime start, LocalTime end, Set<LocalDate> holidays)
    implements Serializable {

  /** Normalises the sets to unmodifiable copies. */
  public BusinessHours {
    days = Set.copyOf(days);
    holidays = Set.copyOf(holidays);
  }

  /** Monday to Friday, 09:00 to 18:00, no holidays. */
  public static BusinessHours standard() {
    return new BusinessHours(
        Set.of(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY),
        LocalTime.of(9, 0),
        LocalTime.of(18, 0),
        Set.of());
  }
}
