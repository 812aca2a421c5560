package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.anomaly.AnomalyHistory.PriorFlag;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** first_flagged (the unbroken run of flagging runs) and the weeks earlier flags cover. */
class AnomalyHistoryTest {
  private static final CellKey CELL = new CellKey("mql", "source", "paid_search");
  private static final CellKey OTHER = new CellKey("mql", "source", "organic");
  private static final AnomalyKind DROP = AnomalyKind.CONVERSION_DROP;

  private static LocalDate nov(int day) {
    return LocalDate.of(2026, 11, day);
  }

  private static PriorFlag flag(AnomalyKind kind, CellKey cell, LocalDate asOf) {
    return new PriorFlag(kind, cell, LocalDate.of(2026, 11, 2), asOf);
  }

  /** Runs on Nov 10..13; the cell flagged on 10, 12 and 13: the gap on 11 breaks the run. */
  @Test
  void aRunThatDidNotFlagBreaksTheRun() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(10), nov(11), nov(12), nov(13)),
            List.of(
                flag(DROP, CELL, nov(10)), flag(DROP, CELL, nov(12)), flag(DROP, CELL, nov(13))));
    assertEquals(nov(12), h.firstFlagged(DROP, CELL, nov(14)));
  }

  /** Without the gap the run goes back to its first day. */
  @Test
  void unbrokenRunGoesBackToItsStart() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(9), nov(10), nov(11), nov(12)),
            List.of(
                flag(DROP, CELL, nov(10)), flag(DROP, CELL, nov(11)), flag(DROP, CELL, nov(12))));
    assertEquals(nov(10), h.firstFlagged(DROP, CELL, nov(13)));
  }

  /** A day with no run at all is not a gap: the run is of runs, not of calendar days. */
  @Test
  void daysWithoutARunDoNotBreakTheRun() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(6), nov(9), nov(12)),
            List.of(flag(DROP, CELL, nov(6)), flag(DROP, CELL, nov(9)), flag(DROP, CELL, nov(12))));
    assertEquals(nov(6), h.firstFlagged(DROP, CELL, nov(13)));
  }

  /** The latest earlier run did not flag: the flag is new today. */
  @Test
  void newFlagStartsToday() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(10), nov(11), nov(12)),
            List.of(flag(DROP, CELL, nov(10)), flag(DROP, CELL, nov(11))));
    assertEquals(nov(13), h.firstFlagged(DROP, CELL, nov(13)));
    assertEquals(nov(13), AnomalyHistory.none().firstFlagged(DROP, CELL, nov(13)));
  }

  /** Other kinds and cells do not continue the run; runs after today do not count. */
  @Test
  void onlyTheSameKindAndCellBeforeToday() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(10), nov(11), nov(12), nov(13), nov(20)),
            List.of(
                flag(DROP, CELL, nov(10)),
                flag(AnomalyKind.LAX_GATE, CELL, nov(11)),
                flag(DROP, OTHER, nov(11)),
                flag(DROP, CELL, nov(12)),
                flag(DROP, CELL, nov(13)),
                flag(DROP, CELL, nov(20))));
    assertEquals(nov(12), h.firstFlagged(DROP, CELL, nov(14)));
    // Today's own earlier-stored flag is not "earlier": a rerun of Nov 13 starts from Nov 12.
    assertEquals(nov(12), h.firstFlagged(DROP, CELL, nov(13)));
  }

  /**
   * A flag whose period starts on Wednesday 2026-10-14, raised by the run of Wednesday 2026-11-04:
   * every Monday from that of the period start (Oct 12) through that of the run (Nov 2).
   */
  @Test
  void flaggedWeeksCoverPeriodStartThroughTheRunsWeek() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(4)),
            List.of(
                new PriorFlag(DROP, CELL, LocalDate.of(2026, 10, 14), nov(4)),
                new PriorFlag(DROP, OTHER, LocalDate.of(2026, 9, 7), nov(4)),
                new PriorFlag(AnomalyKind.SLOW_STAGE, CELL, LocalDate.of(2026, 9, 7), nov(4))));
    assertEquals(
        Set.of(
            LocalDate.of(2026, 10, 12),
            LocalDate.of(2026, 10, 19),
            LocalDate.of(2026, 10, 26),
            LocalDate.of(2026, 11, 2)),
        h.flaggedWeeks(DROP, CELL));
    assertTrue(h.flaggedWeeks(AnomalyKind.LAX_GATE, CELL).isEmpty());
  }

  /** Overlapping flags: the union of their spans. */
  @Test
  void flaggedWeeksOfSeveralFlagsAreTheirUnion() {
    AnomalyHistory h =
        new AnomalyHistory(
            Set.of(nov(2), nov(16)),
            List.of(
                new PriorFlag(DROP, CELL, LocalDate.of(2026, 10, 26), nov(2)),
                new PriorFlag(DROP, CELL, nov(9), nov(16))));
    assertEquals(
        Set.of(LocalDate.of(2026, 10, 26), nov(2), nov(9), nov(16)), h.flaggedWeeks(DROP, CELL));
  }
}
