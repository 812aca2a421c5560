package dev.funnel.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Kaplan–Meier values worked by hand. */
class KaplanMeierTest {

  @Test
  void withoutCensoringTheMedianIsTheSmallestTimeWhereHalfHaveExited() {
    // 4 exits at 1, 2, 3, 4: S = 3/4, 2/4, 1/4, 0. S(2) = 0.5 <= 0.5, so the median is 2.
    KaplanMeier km = KaplanMeier.fit(new double[] {4, 2, 1, 3}, new double[0]);
    assertEquals(2.0, km.quantile(0.5));
    assertEquals(4.0, km.quantile(0.9)); // S(3) = 0.25 > 0.1, S(4) = 0
    assertEquals(0.75, km.survival(1.5), 1e-15);
  }

  @Test
  void censoredVisitsLeaveTheRiskSetAfterTheirTime() {
    // exits 1, 3, 5; censored 2, 4. n = 5.
    // t=1: 5 at risk, S = 4/5 = 0.8. t=3: at risk 3 (2 and 1 gone), S = 0.8 * 2/3 = 0.5333.
    // t=5: at risk 1, S = 0. Median: S(3) = 0.533 > 0.5, S(5) = 0 -> 5.
    KaplanMeier km = KaplanMeier.fit(new double[] {1, 3, 5}, new double[] {2, 4});
    assertEquals(0.8 * 2 / 3, km.survival(3), 1e-12);
    assertEquals(5.0, km.quantile(0.5));
    assertEquals(5.0, km.quantile(0.9));
  }

  @Test
  void exitsComeBeforeCensoringsAtEqualTimes() {
    // exits 2, 2; censored 2, 10. At t=2 all four are at risk: S = 1 - 2/4 = 0.5 -> median 2.
    // If the censoring at 2 left first, S would be 1 - 2/3 and the median would never be reached.
    KaplanMeier km = KaplanMeier.fit(new double[] {2, 2}, new double[] {2, 10});
    assertEquals(0.5, km.survival(2), 1e-15);
    assertEquals(2.0, km.quantile(0.5));
    assertNull(km.quantile(0.9));
  }

  @Test
  void quantileIsNullWhenTooManyVisitsAreStillOpen() {
    // 1 exit at 5 among 4 visits: S = 0.75 and never lower.
    KaplanMeier km = KaplanMeier.fit(new double[] {5}, new double[] {1, 6, 7});
    assertNull(km.quantile(0.5));
  }

  @Test
  void noVisitsGivesNull() {
    assertNull(KaplanMeier.fit(new double[0], new double[0]).quantile(0.5));
  }

  @Test
  void tiedExitsDropTogether() {
    // exits 1, 1, 1, 2, 3 and censored 1.5: t=1: S = 1 - 3/6 = 0.5 -> median 1.
    // t=2: at risk 2 (1.5 censored), S = 0.5 * 1/2 = 0.25; t=3: S = 0. p90 = 3.
    KaplanMeier km = KaplanMeier.fit(new double[] {1, 1, 1, 2, 3}, new double[] {1.5});
    assertEquals(1.0, km.quantile(0.5));
    assertEquals(0.25, km.survival(2.5), 1e-15);
    assertEquals(3.0, km.quantile(0.9));
  }

  @Test
  void anExactHalfAfterManyFactorsIsStillTheMedian() {
    // 265,396 uncensored exits at distinct times: after the 132,698th, S is exactly 0.5, but the
    // product of 132,698 factors lands a little above it (seen at 10 M events).
    int n = 265_396;
    double[] exits = new double[n];
    for (int i = 0; i < n; i++) {
      exits[i] = i + 1;
    }
    KaplanMeier km = KaplanMeier.fitSorted(exits, new double[0]);
    assertEquals(132_698.0, km.quantile(0.5));
    assertEquals(238_857.0, km.quantile(0.9)); // S = (n - k) / n <= 0.1 first at k = 238,857
  }
}
