package dev.funnel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Type-7 percentiles worked by hand: h = (n - 1) q, x[floor h] + frac(h) (x[ceil h] - x[floor h]).
 */
class PercentilesTest {

  @Test
  void interpolatesBetweenOrderStatistics() {
    Percentiles p = Percentiles.of(new double[] {4, 1, 3, 2});
    assertEquals(2.5, p.quantile(0.5), 1e-12); // h = 1.5
    assertEquals(3.25, p.quantile(0.75), 1e-12); // h = 2.25
    assertEquals(3.7, p.quantile(0.9), 1e-12); // h = 2.7
    assertEquals(3.85, p.quantile(0.95), 1e-12); // h = 2.85
    assertEquals(1.0, p.quantile(0), 1e-12);
    assertEquals(4.0, p.quantile(1), 1e-12);
  }

  @Test
  void singleValueAndEmpty() {
    assertEquals(7.0, Percentiles.of(new double[] {7}).quantile(0.9), 0);
    assertNull(Percentiles.of(new double[0]).quantile(0.5));
  }

  @Test
  void durationSummaryUsesClosedVisitsForPercentilesAndAllForKaplanMeier() {
    DurationSummary s = DurationSummary.of(new double[] {1, 3, 5}, new double[] {2, 4});
    assertEquals(5, s.visits());
    assertEquals(3, s.closed());
    assertEquals(2, s.open());
    assertEquals(3.0, s.meanHours(), 1e-12);
    assertEquals(3.0, s.p50Hours(), 1e-12);
    assertEquals(4.0, s.p75Hours(), 1e-12);
    assertEquals(4.6, s.p90Hours(), 1e-12);
    assertEquals(4.8, s.p95Hours(), 1e-12);
    assertEquals(5.0, s.kmP50Hours()); // see KaplanMeierTest
    assertEquals(5.0, s.kmP90Hours());
    DurationSummary allOpen = DurationSummary.of(new double[0], new double[] {1});
    assertNull(allOpen.meanHours());
    assertNull(allOpen.p50Hours());
    assertNull(allOpen.kmP50Hours());
  }
}
