package dev.funnel.calendar;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The funnel's calendar: which day, week and month an instant belongs to in the funnel's time zone,
 * and where periods and the as-of day end. All instants are microseconds since the epoch, as Spark
 * stores timestamps.
 */
public final class FunnelCalendar implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Microseconds per second. */
  public static final long MICROS_PER_SECOND = 1_000_000L;

  /** Microseconds per hour. */
  public static final long MICROS_PER_HOUR = 3_600L * MICROS_PER_SECOND;

  private final ZoneId zone;

  /** A calendar in the given zone. */
  public FunnelCalendar(ZoneId zone) {
    this.zone = zone;
  }

  /** The funnel's time zone. */
  public ZoneId zone() {
    return zone;
  }

  /**
   * The as-of instant of {@code --as-of day}: the start of the next day in the funnel's zone. Data
   * at or after it was not known at the end of {@code day}.
   */
  public Instant asOfInstant(LocalDate day) {
    return day.plusDays(1).atStartOfDay(zone).toInstant();
  }

  /** The local date of an instant in the funnel's zone. */
  public LocalDate localDate(long micros) {
    return LocalDate.ofInstant(toInstant(micros), zone);
  }

  /** The start (first day) of the period of {@code grain} that contains the instant. */
  public LocalDate periodStart(Grain grain, long micros) {
    return grain.periodStart(localDate(micros));
  }

  /** The instant a period ends: the start of the next period, at midnight in the funnel's zone. */
  public Instant periodEnd(Grain grain, LocalDate periodStart) {
    return grain.nextPeriodStart(periodStart).atStartOfDay(zone).toInstant();
  }

  /** The instant a period starts: its first day at midnight in the funnel's zone. */
  public Instant periodBegin(LocalDate periodStart) {
    return periodStart.atStartOfDay(zone).toInstant();
  }

  /**
   * A cohort is mature when its period's end plus the conversion window is at or before the as-of
   * instant: every lead in it has had the full window to convert.
   */
  public boolean isMature(Grain grain, LocalDate periodStart, Duration window, Instant asOf) {
    return !periodEnd(grain, periodStart).plus(window).isAfter(asOf);
  }

  /** Microseconds since the epoch as an instant. */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
  }

  /** An instant as microseconds since the epoch (sub-microsecond digits are dropped). */
  public static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND), instant.getNano() / 1000);
  }

  /**
   * Fractional hours between two instants in microseconds (negative when {@code to} is earlier).
   */
  public static double hoursBetween(long fromMicros, long toMicros) {
    return (toMicros - fromMicros) / (double) MICROS_PER_HOUR;
  }

  /**
   * The nightly default as-of day: yesterday in the funnel's zone at {@code now}, the last day
   * whose data is complete when a run starts after midnight.
   */
  public LocalDate yesterday(Instant now) {
    return LocalDate.ofInstant(now, zone).minusDays(1);
  }
}
