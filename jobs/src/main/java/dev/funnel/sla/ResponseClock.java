package dev.funnel.sla;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.BusinessHours;
import dev.funnel.config.SlaDefinition;
import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Counts the hours between two instants (epoch microseconds) on an SLA's clock. */
public interface ResponseClock extends Serializable {
  /** Hours on this clock from {@code from} to {@code to}; 0 when {@code to} is not after it. */
  double hours(long fromMicros, long toMicros);

  /** The clock of an SLA in the funnel's zone. */
  static ResponseClock of(SlaDefinition sla, BusinessHours hours, ZoneId zone) {
    return sla.clock() == SlaDefinition.Clock.BUSINESS ? new Business(hours, zone) : new Calendar();
  }

  /** Exact elapsed time. */
  final class Calendar implements ResponseClock {
    private static final long serialVersionUID = 1L;

    @Override
    public double hours(long fromMicros, long toMicros) {
      return Math.max(0, FunnelCalendar.hoursBetween(fromMicros, toMicros));
    }
  }

  /**
   * Business hours only: the time inside each business day's window (local opening to closing time
   * in the funnel's zone), holidays and non-business days excluded. A lead that arrives outside
   * business hours starts its clock at the next opening.
   */
  final class Business implements ResponseClock {
    private static final long serialVersionUID = 1L;
    private final BusinessHours hours;
    private final ZoneId zone;

    /** A business clock for a calendar in a zone. */
    public Business(BusinessHours hours, ZoneId zone) {
      this.hours = hours;
      this.zone = zone;
    }

    @Override
    public double hours(long fromMicros, long toMicros) {
      if (toMicros <= fromMicros) {
        return 0;
      }
      LocalDate day = localDate(fromMicros);
      LocalDate last = localDate(toMicros);
      long total = 0;
      for (; !day.isAfter(last); day = day.plusDays(1)) {
        if (!isBusinessDay(day)) {
          continue;
        }
        long open = micros(ZonedDateTime.of(day, hours.start(), zone));
        long close = micros(ZonedDateTime.of(day, hours.end(), zone));
        long lo = Math.max(open, fromMicros);
        long hi = Math.min(close, toMicros);
        if (hi > lo) {
          total += hi - lo;
        }
      }
      return FunnelCalendar.hoursBetween(0, total);
    }

    private boolean isBusinessDay(LocalDate day) {
      DayOfWeek dow = day.getDayOfWeek();
      return hours.days().contains(dow) && !hours.holidays().contains(day);
    }

    private LocalDate localDate(long micros) {
      return LocalDate.ofInstant(FunnelCalendar.toInstant(micros), zone);
    }

    private static long micros(ZonedDateTime time) {
      return FunnelCalendar.toMicros(time.toInstant());
    }
  }
}
