package dev.funnel.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.BusinessHours;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Business-hour arithmetic worked by hand (Mon–Fri 09:00–18:00 Europe/Berlin). */
class ResponseClockTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final BusinessHours HOURS =
      new BusinessHours(
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
          LocalTime.of(9, 0),
          LocalTime.of(18, 0),
          Set.of(LocalDate.parse("2026-12-24"), LocalDate.parse("2026-12-25")));
  private final ResponseClock business = new ResponseClock.Business(HOURS, BERLIN);

  /** A local Berlin time as epoch microseconds. */
  private static long at(String local) {
    return FunnelCalendar.toMicros(LocalDateTime.parse(local).atZone(BERLIN).toInstant());
  }

  private double hours(String from, String to) {
    return business.hours(at(from), at(to));
  }

  @Test
  void fridayLateAfternoonToMondayMorningIsOneBusinessHour() {
    // 2025-01-10 is a Friday: 17:30-18:00 and Monday 09:00-09:30.
    assertEquals(1.0, hours("2025-01-10T17:30", "2025-01-13T09:30"), 1e-12);
  }

  @Test
  void entryAtNightStartsAtTheNextOpening() {
    assertEquals(1.0, hours("2025-01-07T22:00", "2025-01-08T10:00"), 1e-12);
    assertEquals(0.0, hours("2025-01-07T22:00", "2025-01-08T08:59"), 1e-12);
  }

  @Test
  void entryOnAWeekendCountsFromMonday() {
    assertEquals(2.0, hours("2025-01-11T11:00", "2025-01-13T11:00"), 1e-12);
  }

  @Test
  void holidaysHaveNoBusinessHours() {
    // Wed 2026-12-23 17:00-18:00, Thu 24 and Fri 25 are holidays, Mon 28 09:00-10:00.
    assertEquals(2.0, hours("2026-12-23T17:00", "2026-12-28T10:00"), 1e-12);
  }

  @Test
  void exactlyAtOpeningAndClosingTime() {
    assertEquals(1.0, hours("2025-01-13T09:00", "2025-01-13T10:00"), 1e-12);
    assertEquals(0.0, hours("2025-01-13T18:00", "2025-01-14T09:00"), 1e-12);
    assertEquals(9.0, hours("2025-01-13T09:00", "2025-01-13T18:00"), 1e-12);
  }

  @Test
  void aResponseLongerThanAWeek() {
    // Mon 2025-01-06 09:00 to Wed 2025-01-15 12:00: 5 x 9 h + Mon 9 h + Tue 9 h + Wed 3 h = 66 h.
    assertEquals(66.0, hours("2025-01-06T09:00", "2025-01-15T12:00"), 1e-12);
  }

  @Test
  void acrossADaylightSavingChange() {
    // Clocks go forward on Sunday 2025-03-30: Fri 17:00-18:00 + Mon 09:00-10:00 = 2 business h,
    // while the calendar clock counts 65 wall-clock hours minus the lost hour: 64 h.
    assertEquals(2.0, hours("2025-03-28T17:00", "2025-03-31T10:00"), 1e-12);
    assertEquals(
        64.0,
        new ResponseClock.Calendar().hours(at("2025-03-28T17:00"), at("2025-03-31T10:00")),
        1e-12);
    // A window that spans the change itself: Sunday 01:00-05:00 local is 3 real hours.
    BusinessHours sundayNight =
        new BusinessHours(
            Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(5, 0), Set.of());
    ResponseClock clock = new ResponseClock.Business(sundayNight, BERLIN);
    assertEquals(3.0, clock.hours(at("2025-03-29T12:00"), at("2025-03-30T12:00")), 1e-12);
  }

  @Test
  void statusAtTheBoundaryExactlyWithinIsMet() {
    ResponseClock calendar = new ResponseClock.Calendar();
    long entered = at("2025-01-13T09:00");
    long asOf = at("2025-02-01T00:00");
    long hour = 3_600_000_000L;
    assertEquals(
        SlaOutcome.Status.MET,
        SlaOutcome.evaluate(24, calendar, entered, entered + 24 * hour, asOf).status());
    assertEquals(
        SlaOutcome.Status.BREACHED,
        SlaOutcome.evaluate(24, calendar, entered, entered + 24 * hour + 1, asOf).status());
  }

  @Test
  void pendingUntilTheLimitPassesAtTheAsOfInstant() {
    ResponseClock calendar = new ResponseClock.Calendar();
    long hour = 3_600_000_000L;
    long entered = at("2025-01-13T09:00");
    SlaOutcome exactly =
        SlaOutcome.evaluate(
            24, calendar, entered, dev.funnel.timeline.LeadTimeline.NO_TIME, entered + 24 * hour);
    assertEquals(SlaOutcome.Status.PENDING, exactly.status());
    assertEquals(24.0, exactly.responseHours(), 1e-12);
    SlaOutcome over =
        SlaOutcome.evaluate(
            24,
            calendar,
            entered,
            dev.funnel.timeline.LeadTimeline.NO_TIME,
            entered + 24 * hour + 1);
    assertEquals(SlaOutcome.Status.BREACHED, over.status());
    // On the business clock a lead entered Friday 17:00 is pending over the whole weekend.
    SlaOutcome weekend =
        SlaOutcome.evaluate(
            2,
            business,
            at("2025-01-10T17:00"),
            dev.funnel.timeline.LeadTimeline.NO_TIME,
            at("2025-01-13T00:00"));
    assertEquals(SlaOutcome.Status.PENDING, weekend.status());
    assertEquals(1.0, weekend.responseHours(), 1e-12);
  }
}
