package dev.funnel.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.calendar.Grain;
import dev.funnel.config.TargetDefinition;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetSeriesTest {
  private final FunnelCalendar berlin = new FunnelCalendar(ZoneId.of("Europe/Berlin"));
  private final TargetDefinition volume =
      new TargetDefinition(
          "mql_volume", "mql", Grain.MONTH, TargetDefinition.Kind.LEADS, 1000, null);

  @Test
  void completeMonthsAndTheCurrentMonthAtAKnownElapsedFraction() {
    // As of 2025-04-10: April (30 days) has 10 days elapsed = 1/3.
    LocalDate asOfDay = LocalDate.parse("2025-04-10");
    List<TargetSeries.Row> rows =
        TargetSeries.of(
            volume,
            Map.of(
                LocalDate.parse("2025-01-01"), 800.0,
                LocalDate.parse("2025-03-01"), 1200.0,
                LocalDate.parse("2025-04-01"), 400.0),
            berlin,
            asOfDay,
            berlin.asOfInstant(asOfDay));
    assertEquals(4, rows.size(), "February is reported at 0");
    TargetSeries.Row feb = rows.get(1);
    assertEquals(0.0, feb.actual());
    assertEquals(-1.0, feb.leadVelocityRate(), 1e-12); // (0 - 800) / 800
    TargetSeries.Row march = rows.get(2);
    assertTrue(march.complete());
    assertEquals(1.2, march.attainment(), 1e-12);
    assertEquals(1.0, march.elapsedFraction());
    assertTrue(march.onTrack());
    assertNull(march.leadVelocityRate(), "previous actual is 0");
    TargetSeries.Row april = rows.get(3);
    assertFalse(april.complete());
    // April 1 00:00 CEST to April 11 00:00 CEST = 10 of 30 days (no DST change inside April).
    assertEquals(1.0 / 3, april.elapsedFraction(), 1e-12);
    assertEquals(1200.0, april.projected(), 1e-9);
    assertTrue(april.onTrack());
    assertNull(april.leadVelocityRate(), "only complete periods");
    assertNull(rows.get(0).leadVelocityRate(), "no previous period");
  }

  @Test
  void elapsedFractionUsesRealHoursInAMonthWithADaylightSavingChange() {
    // March 2025 in Berlin has 743 hours; as of 2025-03-30 (instant 2025-03-30T22:00Z) 30 local
    // days minus the lost hour have passed: (30 * 24 - 1) / 743.
    LocalDate asOfDay = LocalDate.parse("2025-03-30");
    List<TargetSeries.Row> rows =
        TargetSeries.of(
            volume,
            Map.of(LocalDate.parse("2025-03-01"), 500.0),
            berlin,
            asOfDay,
            berlin.asOfInstant(asOfDay));
    assertEquals((30 * 24 - 1) / 743.0, rows.get(0).elapsedFraction(), 1e-12);
    assertFalse(rows.get(0).onTrack()); // 500 / 0.968 = 517 < 1000
  }

  @Test
  void amountTargetsHaveNoLeadVelocity() {
    TargetDefinition value =
        new TargetDefinition(
            "mql_value", "mql", Grain.MONTH, TargetDefinition.Kind.AMOUNT, 100_000, "EUR");
    LocalDate asOfDay = LocalDate.parse("2025-03-31");
    List<TargetSeries.Row> rows =
        TargetSeries.of(
            value,
            Map.of(
                LocalDate.parse("2025-02-01"), 50_000.0, LocalDate.parse("2025-03-01"), 150_000.0),
            berlin,
            asOfDay,
            berlin.asOfInstant(asOfDay));
    assertTrue(rows.get(1).complete(), "March ends at the as-of instant");
    assertEquals(1.5, rows.get(1).attainment(), 1e-12);
    assertNull(rows.get(1).leadVelocityRate());
  }
}
