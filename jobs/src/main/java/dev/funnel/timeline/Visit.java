package dev.funnel.timeline;

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

  private static final double MICROS_PER_HOUR = 3_600_000_000.0;

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
    return isClosed() ? hoursBetween(enteredAt, exitedAt) : Double.NaN;
  }

  /** Fractional hours between two instants in microseconds. */
  public static double hoursBetween(long fromMicros, long toMicros) {
    return (toMicros - fromMicros) / MICROS_PER_HOUR;
  }
}
