package dev.funnel.timeline;

import dev.funnel.calendar.FunnelCalendar;

/**
 * One visit of a lead to a stage: consecutive events of the same stage collapsed into one.
 *
 * @param stage stage code (see {@code FunnelStages})
 * @param visitNumber 1-based count of this lead's visits to this stage
 * @param enteredAt first event of the visit, microseconds since the epoch
 * @param exitedAt the lead's next event with a different stage, or {@link LeadTimeline#NO_TIME}
 * @param nextStage stage code of that next event, or -1
 * @param terminal a visit of the won stage or of a lost stage: never open, no duration
 */
public record Visit(
    int stage, int visitNumber, long enteredAt, long exitedAt, int nextStage, boolean terminal) {

  /**
   * The lead's first visit to this stage: the one definition of "first entry into a stage" (SLA
   * standings, targets, and, for non-terminal main-path stages, conversion cohorts count it).
   */
  public boolean isFirstVisit() {
    return visitNumber == 1;
  }

  /** True when the lead has a later event with a different stage. */
  public boolean hasExit() {
    return exitedAt != LeadTimeline.NO_TIME;
  }

  /** A non-terminal visit without an exit: the lead is still in this stage. */
  public boolean isOpen() {
    return !terminal && !hasExit();
  }

  /** A non-terminal visit that has ended. */
  public boolean isClosed() {
    return !terminal && hasExit();
  }

  /** Hours from entry to exit for closed visits; NaN for open and terminal visits. */
  public double durationHours() {
    return isClosed() ? FunnelCalendar.hoursBetween(enteredAt, exitedAt) : Double.NaN;
  }
}
