package dev.funnel.timeline;

/**
 * A lead's first entry into a non-terminal main-path stage S, with the first later events that
 * decide its conversion. Times are microseconds since the epoch, {@link LeadTimeline#NO_TIME} when
 * there is no such event.
 *
 * @param stage code of S
 * @param enteredAt the first entry into S
 * @param convertedAt first event after it (in event order) of a later main-path stage
 * @param wonAt first event after it of the won stage
 * @param lostAt first event after it of a lost stage
 */
public record StageEntry(int stage, long enteredAt, long convertedAt, long wonAt, long lostAt) {

  /**
   * Converted: an event of a later main-path stage after the first entry into S, entered within the
   * window (inclusive, exact duration). A lead that skipped a stage converts the stage before.
   */
  public boolean converted(long windowMicros) {
    return within(convertedAt, windowMicros);
  }

  /** Won: an event of the won stage after the first entry into S, within the window. */
  public boolean won(long windowMicros) {
    return within(wonAt, windowMicros);
  }

  /** Lost: not converted, and an event of a lost stage after the first entry, within the window. */
  public boolean lost(long windowMicros) {
    return !converted(windowMicros) && within(lostAt, windowMicros);
  }

  private boolean within(long eventAt, long windowMicros) {
    return eventAt != LeadTimeline.NO_TIME && eventAt - enteredAt <= windowMicros;
  }
}
