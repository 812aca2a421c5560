package dev.funnel.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

/** A cohort period length: ISO weeks starting Monday, or calendar months. */
public enum Grain {
  DAY("day"),
  WEEK("week"),
  MONTH("month");

  private final String label;

  Grain(String label) {
    this.label = label;
  }

  /** The value written in the {@code grain} column. */
  public String label() {
    return label;
  }

  /** The grain with the given label. */
  public static Grain fromLabel(String label) {
    for (Grain grain : values()) {
      if (grain.label.equals(label)) {
        return grain;
      }
    }
    throw new IllegalArgumentException("unknown grain: " + label);
  }

  /** The first day of the period that contains {@code day}. */
  public LocalDate periodStart(LocalDate day) {
    return switch (this) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
    };
  }

  /** The first day of the next period, given a period start. */
  public LocalDate nextPeriodStart(LocalDate periodStart) {
    return switch (this) {
      case DAY -> periodStart.plusDays(1);
      case WEEK -> periodStart.plusWeeks(1);
      case MONTH -> periodStart.plusMonths(1);
    };
  }
}
