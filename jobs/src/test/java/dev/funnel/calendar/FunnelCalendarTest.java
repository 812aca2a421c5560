package dev.funnel.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FunnelCalendarTest {
  private final FunnelCalendar berlin = new FunnelCalendar(ZoneId.of("Europe/Berlin"));

  private static long micros(String instant) {
    return FunnelCalendar.toMicros(Instant.parse(instant));
  }

  @Test
  void asOfInstantIsTheStartOfTheNextDayInTheFunnelZone() {
    assertEquals(
        Instant.parse("2025-01-31T23:00:00Z"), berlin.asOfInstant(LocalDate.parse("2025-01-31")));
    // Summer time: 2025-07-01 starts at 22:00 UTC the day before.
    assertEquals(
        Instant.parse("2025-06-30T22:00:00Z"), berlin.asOfInstant(LocalDate.parse("2025-06-30")));
  }

  @Test
  void isoWeek53AndWeek1() {
    // 2020 has an ISO week 53: Mon 2020-12-28 .. Sun 2021-01-03.
    assertEquals(
        LocalDate.parse("2020-12-28"),
        berlin.periodStart(Grain.WEEK, micros("2020-12-31T12:00:00Z")));
    assertEquals(
        LocalDate.parse("2020-12-28"),
        berlin.periodStart(Grain.WEEK, micros("2021-01-03T22:59:59Z")));
    // 23:00 UTC on Sunday is already Monday 00:00 in Berlin: week 1 of 2021.
    assertEquals(
        LocalDate.parse("2021-01-04"),
        berlin.periodStart(Grain.WEEK, micros("2021-01-03T23:00:00Z")));
  }

  @Test
  void monthBoundaryFollowsTheFunnelZoneNotUtc() {
    assertEquals(
        LocalDate.parse("2025-02-01"),
        berlin.periodStart(Grain.MONTH, micros("2025-01-31T23:30:00Z")));
    assertEquals(
        LocalDate.parse("2025-01-01"),
        berlin.periodStart(Grain.MONTH, micros("2025-01-31T22:59:59Z")));
  }

  @Test
  void weekWithADaylightSavingChangeIsOneHourShorter() {
    LocalDate week = LocalDate.parse("2025-03-24"); // clocks go forward on Sunday 2025-03-30
    assertEquals(Instant.parse("2025-03-23T23:00:00Z"), berlin.periodBegin(week));
    assertEquals(Instant.parse("2025-03-30T22:00:00Z"), berlin.periodEnd(Grain.WEEK, week));
    assertEquals(
        week, berlin.periodStart(Grain.WEEK, micros("2025-03-30T21:59:59Z"))); // Sun 23:59 CEST
  }

  @Test
  void cohortIsMatureWhenPeriodEndPlusWindowIsAtOrBeforeTheAsOfInstant() {
    LocalDate january = LocalDate.parse("2025-01-01");
    Duration window = Duration.ofDays(10);
    // January ends 2025-01-31T23:00Z; plus 10 days = 2025-02-10T23:00Z = as-of instant of 02-10.
    assertTrue(
        berlin.isMature(
            Grain.MONTH, january, window, berlin.asOfInstant(LocalDate.parse("2025-02-10"))));
    assertFalse(
        berlin.isMature(
            Grain.MONTH, january, window, berlin.asOfInstant(LocalDate.parse("2025-02-09"))));
  }

  @Test
  void microsRoundTripIncludingBeforeTheEpoch() {
    Instant before = Instant.parse("1969-12-31T23:59:59.999999Z");
    assertEquals(-1, FunnelCalendar.toMicros(before));
    assertEquals(before, FunnelCalendar.toInstant(-1));
  }

  @Test
  void theNightlyDefaultIsYesterdayInTheFunnelsZone() {
    // 23:30 UTC on 1 January is already 00:30 on 2 January in Berlin (UTC+1 in winter).
    Instant lateEvening = Instant.parse("2026-01-01T23:30:00Z");
    assertEquals(
        LocalDate.parse("2026-01-01"),
        new FunnelCalendar(ZoneId.of("Europe/Berlin")).yesterday(lateEvening));
    assertEquals(
        LocalDate.parse("2025-12-31"), new FunnelCalendar(ZoneId.of("UTC")).yesterday(lateEvening));
    // Summer (UTC+2): 22:30 UTC on 30 June is 00:30 on 1 July in Berlin.
    assertEquals(
        LocalDate.parse("2026-06-30"),
        new FunnelCalendar(ZoneId.of("Europe/Berlin"))
            .yesterday(Instant.parse("2026-06-30T22:30:00Z")));
  }
}
