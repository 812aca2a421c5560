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
   * Converted within {@code ageMicros} of the first entry: an event of a later main-path stage
   * after the first entry into S, at most {@code ageMicros} after it (inclusive, exact duration). A
   * lead that skipped a stage converts the stage before. This is the one rule behind {@link
   * #converted}; call it with a smaller age to compare cohorts at equal age.
   */
  public boolean convertedWithin(long ageMicros) {
    return within(convertedAt, ageMicros);
  }

  /** Won within {@code ageMicros}: an event of the won stage at most that long after the entry. */
  public boolean wonWithin(long ageMicros) {
    return within(wonAt, ageMicros);
  }

  /**
   * Lost within {@code ageMicros}: not converted within that age, and an event of a lost stage at
   * most that long after the entry.
   */
  public boolean lostWithin(long ageMicros) {
    return !convertedWithin(ageMicros) && within(lostAt, ageMicros);
  }

  /** Converted within the conversion window: {@link #convertedWithin} at the window's length. */
  public boolean converted(long windowMicros) {
    return convertedWithin(windowMicros);
  }

  /** Won within the conversion window: {@link #wonWithin} at the window's length. */
  public boolean won(long windowMicros) {
    return wonWithin(windowMicros);
  }

  /** Lost within the conversion window: {@link #lostWithin} at the window's length. */
  public boolean lost(long windowMicros) {
    return lostWithin(windowMicros);
  }

  private boolean within(long eventAt, long ageMicros) {
    return eventAt != LeadTimeline.NO_TIME && eventAt - enteredAt <= ageMicros;
  }
}
