package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The grouped log-rank test against sums worked by hand. */
class LogRankTest {
  private static final double EPS = 1e-12;

  // Recent: 10 visits, exits 3, 2, 1 and censorings 1, 2, 1 in bins 0, 1, 2.
  private static final long[] RECENT_EXITS = {3, 2, 1};
  private static final long[] RECENT_CENSORED = {1, 2, 1};
  // Baseline: 20 visits, exits 4, 6, 3 and censorings 2, 1, 4.
  private static final long[] BASE_EXITS = {4, 6, 3};
  private static final long[] BASE_CENSORED = {2, 1, 4};

  /**
   * Worked by hand, censorings of a bin after its exits:
   *
   * <pre>
   * bin  n1  n0  d1  d0  d   n   E1 = d·n1/n   V = d·n1·n0·(n−d) / (n²(n−1))
   *  0   10  20   3   4  7  30   7·10/30        7·10·20·23 / (900·29)
   *  1    6  14   2   6  8  20   8·6/20         8·6·14·12 / (400·19)
   *  2    2   7   1   3  4   9   4·2/9          4·2·7·5 / (81·8)
   * </pre>
   *
   * At risk after bin 0: 10 − 3 − 1 = 6 and 20 − 4 − 2 = 14; after bin 1: 6 − 2 − 2 = 2 and 14 − 6
   * − 1 = 7. O = 6, E = 253/45, V = 3042571/1115775.
   */
  @Test
  void handWorkedThreeBins() {
    LogRank.Result r = LogRank.test(RECENT_EXITS, RECENT_CENSORED, BASE_EXITS, BASE_CENSORED, 3);
    double e = 7.0 * 10 / 30 + 8.0 * 6 / 20 + 4.0 * 2 / 9;
    double v =
        7.0 * 10 * 20 * 23 / (900.0 * 29)
            + 8.0 * 6 * 14 * 12 / (400.0 * 19)
            + 4.0 * 2 * 7 * 5 / (81.0 * 8);
    assertEquals(6, r.observed(), EPS);
    assertEquals(e, r.expected(), EPS);
    assertEquals(253.0 / 45, r.expected(), EPS);
    assertEquals(v, r.variance(), EPS);
    assertEquals(3042571.0 / 1115775, r.variance(), EPS);
    assertEquals((6 - 253.0 / 45) / Math.sqrt(3042571.0 / 1115775), r.z(), EPS);
    assertEquals(10, r.recentAtStart());
    assertEquals(20, r.baselineAtStart());
  }

  /**
   * Cut at two bins: bin 2 is ignored, but its visits are still at risk in bins 0 and 1. O = 5, E =
   * 7/3 + 12/5 = 71/15, V = the first two terms above.
   */
  @Test
  void followUpIsCutButLaterVisitsStayAtRisk() {
    LogRank.Result r = LogRank.test(RECENT_EXITS, RECENT_CENSORED, BASE_EXITS, BASE_CENSORED, 2);
    assertEquals(5, r.observed(), EPS);
    assertEquals(71.0 / 15, r.expected(), EPS);
    assertEquals(
        7.0 * 10 * 20 * 23 / (900.0 * 29) + 8.0 * 6 * 14 * 12 / (400.0 * 19), r.variance(), EPS);
    assertEquals(10, r.recentAtStart());
  }

  /** A visit censored in bin k is at risk for the exits of bin k (the life-table convention). */
  @Test
  void censoringsOfABinComeAfterItsExits() {
    // Recent: one visit censored in bin 0. Baseline: one exit in bin 0. Both at risk at bin 0:
    // d = 1, n = 2, E1 = 1/2, V = 1·1·1·1 / (4·1) = 1/4.
    LogRank.Result r =
        LogRank.test(new long[] {0}, new long[] {1}, new long[] {1}, new long[] {0}, 1);
    assertEquals(0, r.observed(), EPS);
    assertEquals(0.5, r.expected(), EPS);
    assertEquals(0.25, r.variance(), EPS);
    assertEquals(-1, r.z(), EPS);
  }

  /** Swapping the groups negates O − E and keeps V. */
  @Test
  void swappingGroupsNegatesTheDifference() {
    LogRank.Result a = LogRank.test(RECENT_EXITS, RECENT_CENSORED, BASE_EXITS, BASE_CENSORED, 3);
    LogRank.Result b = LogRank.test(BASE_EXITS, BASE_CENSORED, RECENT_EXITS, RECENT_CENSORED, 3);
    assertEquals(-(a.observed() - a.expected()), b.observed() - b.expected(), EPS);
    assertEquals(a.variance(), b.variance(), EPS);
    assertEquals(-a.z(), b.z(), EPS);
    // The baseline's own O: 13 exits in the three bins.
    assertEquals(13, b.observed(), EPS);
  }

  /** Identical groups: O = E in every bin, z = 0, but a positive variance. */
  @Test
  void identicalGroupsGiveZeroZ() {
    LogRank.Result r = LogRank.test(BASE_EXITS, BASE_CENSORED, BASE_EXITS, BASE_CENSORED, 3);
    assertEquals(r.expected(), r.observed(), EPS);
    assertEquals(0, r.z(), EPS);
    assertTrue(r.variance() > 0);
  }

  /** Slower recent visits (fewer early exits) give a negative z. */
  @Test
  void slowerRecentGroupIsNegative() {
    LogRank.Result r =
        LogRank.test(new long[] {0, 1, 5}, new long[] {0, 0, 4}, BASE_EXITS, BASE_CENSORED, 3);
    assertTrue(r.z() < 0, "z = " + r.z());
  }
}
