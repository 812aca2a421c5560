package dev.funnel.anomaly;

import dev.funnel.calendar.Grain;
import java.time.LocalDate;

/** ISO weeks, named by their Monday. */
final class Weeks {
  private Weeks() {}

  /** The Monday of the ISO week that contains the day. */
  static LocalDate monday(LocalDate day) {
    return Grain.WEEK.periodStart(day);
  }
}
