package dev.funnel.timeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.config.FunnelStages;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the visit and conversion rules on hand-built histories (times in hours from 0). */
class LeadTimelineTest {
  private static final FunnelStages STAGES =
      new FunnelStages(
          List.of("lead", "mql", "sql", "opportunity", "won"), List.of("lost", "disqualified"));
  private static final int LEAD = 0;
  private static final int MQL = 1;
  private static final int SQL = 2;
  private static final int OPP = 3;
  private static final int WON = 4;
  private static final int LOST = 5;
  private static final int DISQUALIFIED = 6;
  private static final long HOUR = 3_600_000_000L;
  private static final long WINDOW_90_DAYS = 90 * 24 * HOUR;

  private final LeadTimeline.Builder builder = new LeadTimeline.Builder(STAGES, 2);

  private LeadTimeline history(long[][] events) {
    builder.reset();
    for (long[] e : events) {
      builder.add((int) e[0], e[1] * HOUR, null, null);
    }
    return builder.build();
  }

  @Test
  void consecutiveEventsOfOneStageCollapseIntoOneVisit() {
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {LEAD, 5}, {MQL, 10}});
    assertEquals(2, lead.visits().size());
    Visit first = lead.visits().get(0);
    assertEquals(LEAD, first.stage());
    assertEquals(0, first.enteredAt());
    assertEquals(10 * HOUR, first.exitedAt());
    assertEquals(MQL, first.nextStage());
    assertEquals(10.0, first.durationHours(), 0);
    assertTrue(lead.visits().get(1).isOpen());
    assertTrue(Double.isNaN(lead.visits().get(1).durationHours()));
  }

  @Test
  void reEntryStartsANewNumberedVisit() {
    // lead 0h, mql 1h, lead 3h, mql 6h: two visits of each stage.
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {MQL, 1}, {LEAD, 3}, {MQL, 6}});
    List<Visit> v = lead.visits();
    assertEquals(List.of(1, 1, 2, 2), v.stream().map(Visit::visitNumber).toList());
    assertEquals(2.0, v.get(1).durationHours(), 0); // mql 1h -> lead 3h
    assertTrue(v.get(3).isOpen());
  }

  @Test
  void terminalVisitsAreNeverOpenAndHaveNoDurationButRecordTheirExit() {
    // lead 0, lost 10, lead 20 (reopened), won 30.
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {LOST, 10}, {LEAD, 20}, {WON, 30}});
    Visit lost = lead.visits().get(1);
    assertTrue(lost.terminal());
    assertFalse(lost.isOpen());
    assertTrue(Double.isNaN(lost.durationHours()));
    assertEquals(20 * HOUR, lost.exitedAt());
    assertEquals(LEAD, lost.nextStage());
    Visit won = lead.visits().get(3);
    assertFalse(won.isOpen());
    assertFalse(won.hasExit());
  }

  @Test
  void leadThatSkipsAStageCountsAsConvertedForTheStageBeforeAndDoesNotJoinTheSkippedCohort() {
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {SQL, 10}});
    assertEquals(List.of(LEAD, SQL), lead.entries().stream().map(StageEntry::stage).toList());
    StageEntry leadEntry = lead.entries().get(0);
    assertTrue(leadEntry.converted(WINDOW_90_DAYS));
    assertEquals(10 * HOUR, leadEntry.convertedAt());
  }

  @Test
  void movingBackIsNotAConversionAndOnlyTheFirstEntryDefinesTheCohort() {
    // sql 0, mql 5 (back), sql 8, lost 9: for sql nothing later on the main path.
    LeadTimeline lead = history(new long[][] {{SQL, 0}, {MQL, 5}, {SQL, 8}, {LOST, 9}});
    StageEntry mql = lead.entries().get(0);
    StageEntry sql = lead.entries().get(1);
    assertEquals(MQL, mql.stage());
    assertEquals(5 * HOUR, mql.enteredAt());
    assertTrue(mql.converted(WINDOW_90_DAYS)); // back to sql at 8h is a later main stage
    assertEquals(SQL, sql.stage());
    assertEquals(0, sql.enteredAt());
    assertFalse(sql.converted(WINDOW_90_DAYS));
    assertTrue(sql.lost(WINDOW_90_DAYS));
  }

  @Test
  void lostThenReopenedAndWonCountsAsConvertedAndWonNotLost() {
    LeadTimeline lead =
        history(new long[][] {{LEAD, 0}, {DISQUALIFIED, 2}, {MQL, 30}, {OPP, 40}, {WON, 50}});
    StageEntry leadEntry = lead.entries().get(0);
    assertTrue(leadEntry.converted(WINDOW_90_DAYS));
    assertTrue(leadEntry.won(WINDOW_90_DAYS));
    assertFalse(leadEntry.lost(WINDOW_90_DAYS));
    assertEquals(2 * HOUR, leadEntry.lostAt());
  }

  @Test
  void conversionExactlyAtTheWindowLimitCountsAndOneMicrosecondLaterDoesNot() {
    builder.reset();
    builder.add(LEAD, 0, null, null);
    builder.add(MQL, WINDOW_90_DAYS, null, null);
    assertTrue(builder.build().entries().get(0).converted(WINDOW_90_DAYS));
    builder.reset();
    builder.add(LEAD, 0, null, null);
    builder.add(MQL, WINDOW_90_DAYS + 1, null, null);
    StageEntry late = builder.build().entries().get(0);
    assertFalse(late.converted(WINDOW_90_DAYS));
    assertFalse(late.lost(WINDOW_90_DAYS));
  }

  @Test
  void lostOutsideTheWindowLeavesTheLeadOpen() {
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {LOST, 91 * 24}});
    StageEntry entry = lead.entries().get(0);
    assertFalse(entry.converted(WINDOW_90_DAYS));
    assertFalse(entry.lost(WINDOW_90_DAYS));
  }

  @Test
  void tiesAreOrderedByStageSoASameInstantLaterStageConverts() {
    // lead and mql at the same instant arrive in stage order: lead converts to mql in 0 h.
    LeadTimeline lead = history(new long[][] {{LEAD, 0}, {MQL, 0}});
    assertEquals(0.0, lead.visits().get(0).durationHours(), 0);
    assertTrue(lead.entries().get(0).converted(WINDOW_90_DAYS));
    builder.reset();
    builder.add(MQL, 0, null, null);
    assertThrows(IllegalArgumentException.class, () -> builder.add(LEAD, 0, null, null));
  }

  @Test
  void exactDuplicatesCountOnceAndMergeDeterministically() {
    builder.reset();
    assertTrue(builder.add(LEAD, 0, null, new String[] {null, "smb"}));
    assertFalse(builder.add(LEAD, 0, 5.0, new String[] {"web", "ent"}));
    assertFalse(builder.add(LEAD, 0, 3.0, new String[] {"ads", null}));
    LeadTimeline lead = builder.build();
    assertEquals(1, lead.events());
    assertEquals(2, lead.duplicates());
    assertEquals(1, lead.visits().size());
    assertArrayEquals(new String[] {"ads", "ent"}, lead.dimensions());
    assertEquals(5.0, lead.amount());
  }

  @Test
  void firstTouchDimensionIsTheEarliestNonNullValue() {
    builder.reset();
    builder.add(LEAD, 0, null, new String[] {null, null});
    builder.add(MQL, HOUR, 10.0, new String[] {"web", null});
    builder.add(SQL, 2 * HOUR, null, new String[] {"ads", null});
    builder.add(OPP, 3 * HOUR, 20.0, null);
    builder.add(LOST, 4 * HOUR, null, null);
    LeadTimeline lead = builder.build();
    assertArrayEquals(new String[] {"web", LeadTimeline.NO_VALUE}, lead.dimensions());
    assertEquals(20.0, lead.amount());
  }

  @Test
  void noAmountAnywhereIsNull() {
    assertNull(history(new long[][] {{LEAD, 0}}).amount());
  }

  @Test
  void wonStageHasNoConversionEntry() {
    LeadTimeline lead = history(new long[][] {{WON, 0}});
    assertTrue(lead.entries().isEmpty());
    assertFalse(lead.visits().get(0).isOpen());
  }
}
