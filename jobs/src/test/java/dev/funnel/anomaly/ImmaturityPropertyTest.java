package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Never fooled by immaturity: recent cohorts that convert exactly as the baseline did at the same
 * age are not flagged although their raw rate is far below the mature rate; judged by raw rate the
 * same leads would be.
 */
class ImmaturityPropertyTest {
  private static final int PER_WEEK = 500;
  private static final double GOLDEN = 0.6180339887498949;

  /**
   * Every week the same: 4 in 10 leads convert, their delays spread evenly over the 28-day window
   * (a low-discrepancy sequence, so any stretch of a week's leads has the same delay spread). The
   * conversion-by-age curve is F(a) = 0.4·a / 672 h.
   */
  private static double normal(int i) {
    if (i % 10 >= 4) {
      return Double.POSITIVE_INFINITY;
    }
    double u = ((i + 1) * GOLDEN) % 1.0;
    return u * SyntheticCell.WINDOW_HOURS;
  }

  /** Half as many conversions (2 in 10), at the same delays. */
  private static double halved(int i) {
    return i % 10 >= 2 ? Double.POSITIVE_INFINITY : normal(i);
  }

  private static Map<LocalDate, WeekFacts> facts(
      SyntheticCell.Outcome recent, boolean recentAtFullAge) {
    Map<LocalDate, WeekFacts> weeks = new HashMap<>();
    for (LocalDate w : SyntheticCell.allWeeks()) {
      boolean isRecent = w.isAfter(SyntheticCell.LATEST_MATURE);
      List<SyntheticCell.Lead> leads =
          SyntheticCell.leads(w, PER_WEEK, isRecent ? recent : ImmaturityPropertyTest::normal);
      weeks.put(w, SyntheticCell.facts(w, leads, isRecent && recentAtFullAge));
    }
    return weeks;
  }

  @Test
  void immatureCohortsOnTheBaselineCurveAreNotFlagged() {
    Map<LocalDate, WeekFacts> weeks = facts(ImmaturityPropertyTest::normal, false);
    // The recent weeks really are immature: pooled, they converted at well under half of 40%.
    long entered = 0;
    long converted = 0;
    for (LocalDate w = SyntheticCell.LATEST_MATURE.plusWeeks(1);
        !w.isAfter(SyntheticCell.CURRENT_WEEK);
        w = w.plusWeeks(1)) {
      entered += weeks.get(w).entered();
      converted += weeks.get(w).converted();
      assertTrue(weeks.get(w).fullAge() < weeks.get(w).entered(), "week " + w + " is immature");
    }
    // By hand, F(a) = 0.4·min(a, 28 d)/28 d averaged over each week's ages at the as-of instant
    // (Thursday 2026-11-19 00:00): week of Oct 19, ages 24..31 d: 3/7·0.4 + 4/7·0.4·26/28 =
    // 0.3837; Oct 26 (17..24 d): 0.4·20.5/28 = 0.2929; Nov 2: 0.1929; Nov 9: 0.0929; the current
    // week's 214 leads (ages 0..3 d): 0.0214. Converted ≈ 500·0.9624 + 214·0.0214 = 485.8 of 2214:
    // a raw rate of 0.219 against the mature 0.4.
    assertEquals(2214, entered);
    double rawRate = (double) converted / entered;
    assertEquals(485.8 / 2214, rawRate, 0.003);
    // Mature weeks convert at exactly 40%.
    assertEquals(200, weeks.get(SyntheticCell.LATEST_MATURE).converted());

    List<Check> checks = SyntheticCell.judge(weeks);
    Check drop = SyntheticCell.dropTest(checks);
    assertFalse(SyntheticCell.anyDropFlagged(checks), drop.message());
    // Observed and expected agree at equal age: nowhere near significance.
    assertTrue(drop.pValue() > 0.2, "p = " + drop.pValue());
    assertEquals(drop.expected(), drop.observed(), 0.01);
    // Nothing else fires either: no kind is fooled by the young weeks.
    assertFalse(checks.stream().anyMatch(Check::flagged), checks.toString());
  }

  /**
   * The same leads with the age ignored (every recent lead counted at full age, so judged against
   * the mature 40%): the raw-rate comparison flags them. Independently: the recent weeks hold 4·500
   * + 3/7·500 ≈ 2214 leads with about 0.4·2214·(average age share) conversions, far below 0.4·2214.
   */
  @Test
  void theSameLeadsJudgedByRawRateWouldBeFlagged() {
    Map<LocalDate, WeekFacts> weeks = facts(ImmaturityPropertyTest::normal, true);
    long entered = 0;
    long converted = 0;
    for (LocalDate w = SyntheticCell.LATEST_MATURE.plusWeeks(1);
        !w.isAfter(SyntheticCell.CURRENT_WEEK);
        w = w.plusWeeks(1)) {
      entered += weeks.get(w).entered();
      converted += weeks.get(w).converted();
    }
    // Raw z against the mature rate (binomial variance only): hugely negative.
    double rawZ = (converted - 0.4 * entered) / Math.sqrt(entered * 0.4 * 0.6);
    assertEquals(-17.3, rawZ, 0.3);
    assertTrue(new NormalDistribution(0, 1).cumulativeProbability(rawZ) < 1e-10);

    List<Check> checks = SyntheticCell.judge(weeks);
    Check drop = SyntheticCell.dropTest(checks);
    assertTrue(drop.flagged(), drop.toString());
    assertTrue(drop.pValue() < 1e-10, "p = " + drop.pValue());
  }

  /** Age adjustment does not blind the test: a real halving in young cohorts is flagged. */
  @Test
  void aRealDropInImmatureCohortsIsFlagged() {
    List<Check> checks = SyntheticCell.judge(facts(ImmaturityPropertyTest::halved, false));
    Check drop = SyntheticCell.dropTest(checks);
    assertTrue(drop.flagged(), drop.toString());
    // Observed is about half of expected.
    assertEquals(0.5, drop.observed() / drop.expected(), 0.05);
  }
}
