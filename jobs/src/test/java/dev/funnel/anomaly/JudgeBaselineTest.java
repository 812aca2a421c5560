package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The judge's baseline leaves out weeks earlier runs flagged; small cells are not judged. */
class JudgeBaselineTest {
  private static final LocalDate FLAG_START = LocalDate.of(2026, 9, 14);
  private static final LocalDate FLAG_RUN = LocalDate.of(2026, 10, 7);

  /**
   * Weeks 2026-09-14 .. 2026-10-05 converted at 20% and an earlier run (as of Wednesday 2026-10-07)
   * flagged them from 2026-09-14: the baseline is the eight weeks before them (2026-07-20 ..
   * 2026-09-07, 40%), so recent weeks converting at 40% are exactly as expected. Had the four
   * flagged weeks stayed in, the baseline would convert at 30% and the expectation fall by a
   * quarter.
   */
  @Test
  void flaggedWeeksStayOutOfTheBaseline() {
    Map<LocalDate, WeekFacts> weeks = new HashMap<>();
    for (LocalDate w : SyntheticCell.allWeeks()) {
      boolean bad = !w.isBefore(FLAG_START) && !w.isAfter(LocalDate.of(2026, 10, 5));
      List<SyntheticCell.Lead> leads =
          SyntheticCell.leads(w, 500, SyntheticCell.evenly(bad ? 2 : 4));
      weeks.put(w, SyntheticCell.facts(w, leads, false));
    }
    AnomalyHistory history =
        new AnomalyHistory(
            Set.of(FLAG_RUN),
            List.of(
                new AnomalyHistory.PriorFlag(
                    AnomalyKind.CONVERSION_DROP, SyntheticCell.CELL, FLAG_START, FLAG_RUN)));
    List<Check> checks =
        AnomalyJudge.judge(SyntheticCell.CONTEXT, SyntheticCell.cell(weeks), List.of(), history);
    Check drop = SyntheticCell.dropTest(checks);
    assertFalse(drop.flagged(), drop.message());
    assertEquals(1, drop.observed() / drop.expected(), 0.02, drop.toString());
    // The latest mature week, at full age, is judged against the clean 40% exactly.
    Check mature = weekly(checks, SyntheticCell.LATEST_MATURE);
    assertEquals(0.4, mature.expected(), 1e-12);
    assertEquals(0.4, mature.observed(), 1e-12);
  }

  /** A 12-lead cell is too small: INSUFFICIENT_DATA, never a conversion test. */
  @Test
  void smallCellIsInsufficientNotJudged() {
    Map<LocalDate, WeekFacts> weeks = new HashMap<>();
    for (LocalDate w : SyntheticCell.allWeeks()) {
      // 2 leads a week: 11 in the judged weeks (one in the current partial week), 16 in the eight
      // baseline weeks; min_leads is 30.
      List<SyntheticCell.Lead> leads = SyntheticCell.leads(w, 2, SyntheticCell.evenly(5));
      weeks.put(w, SyntheticCell.facts(w, leads, false));
    }
    List<Check> checks = SyntheticCell.judge(weeks);
    assertTrue(
        checks.stream()
            .anyMatch(
                c ->
                    c.kind() == AnomalyKind.INSUFFICIENT_DATA
                        && c.metric().equals("conversion_rate")
                        && c.reported()),
        checks.toString());
    assertFalse(checks.stream().anyMatch(c -> c.kind() == AnomalyKind.CONVERSION_DROP));
    assertFalse(checks.stream().anyMatch(Check::flagged));
  }

  private static Check weekly(List<Check> checks, LocalDate week) {
    for (Check c : checks) {
      if (c.kind() == AnomalyKind.CONVERSION_DROP && !c.family() && c.periodStart().equals(week)) {
        return c;
      }
    }
    throw new AssertionError("no weekly check for " + week);
  }
}
