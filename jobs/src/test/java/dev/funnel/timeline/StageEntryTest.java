package dev.funnel.timeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The "within an age" rule of a first stage entry, at its boundary. */
class StageEntryTest {
  private static final long ENTERED = 1_000_000_000L;
  private static final long AGE = 7L * 24 * 3_600_000_000L;
  private static final long NONE = LeadTimeline.NO_TIME;

  @Test
  void anEventExactlyTheAgeAfterEntryIsWithinOneMicrosecondMoreIsNot() {
    StageEntry converted = new StageEntry(0, ENTERED, ENTERED + AGE, NONE, NONE);
    assertTrue(converted.convertedWithin(AGE));
    assertFalse(converted.convertedWithin(AGE - 1));
    StageEntry late = new StageEntry(0, ENTERED, ENTERED + AGE + 1, NONE, NONE);
    assertFalse(late.convertedWithin(AGE));
    assertTrue(late.convertedWithin(AGE + 1));
  }

  @Test
  void wonAndLostFollowTheSameBoundary() {
    StageEntry won = new StageEntry(0, ENTERED, NONE, ENTERED + AGE, NONE);
    assertTrue(won.wonWithin(AGE));
    assertFalse(won.wonWithin(AGE - 1));
    StageEntry lost = new StageEntry(0, ENTERED, NONE, NONE, ENTERED + AGE);
    assertTrue(lost.lostWithin(AGE));
    assertFalse(lost.lostWithin(AGE - 1));
  }

  @Test
  void lostOnlyWhenNotConvertedWithinTheSameAge() {
    // converted after 2 hours, lost after 1 hour: lost within 1 hour, not within 2 hours.
    long hour = 3_600_000_000L;
    StageEntry entry = new StageEntry(0, ENTERED, ENTERED + 2 * hour, NONE, ENTERED + hour);
    assertTrue(entry.lostWithin(hour));
    assertFalse(entry.convertedWithin(hour));
    assertFalse(entry.lostWithin(2 * hour));
    assertTrue(entry.convertedWithin(2 * hour));
  }

  @Test
  void theWindowRulesAreTheAgeRulesAtTheWindowLength() {
    StageEntry entry = new StageEntry(0, ENTERED, ENTERED + AGE, ENTERED + AGE + 1, NONE);
    assertTrue(entry.converted(AGE));
    assertFalse(entry.won(AGE));
    assertFalse(entry.lost(AGE));
  }
}
