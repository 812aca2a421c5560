package dev.funnel.sla;

import dev.funnel.timeline.LeadTimeline;

/**
 * Where one lead stands in an SLA at the as-of instant.
 *
 * @param status met, breached or pending
 * @param worked whether the lead's first visit to the stage has ended
 * @param responseHours on the SLA's clock: entry to worked, or entry to the as-of instant if not
 *     worked yet
 */
public record SlaOutcome(Status status, boolean worked, double responseHours) {

  /** An SLA status. */
  public enum Status {
    /** Worked within the limit (exactly the limit counts). */
    MET("met"),
    /** Worked later than the limit, or not worked and already over it. */
    BREACHED("breached"),
    /** Not worked yet, still within the limit. */
    PENDING("pending");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    /** The value written in output tables. */
    public String label() {
      return label;
    }
  }

  /**
   * Evaluates a lead: it is worked when its first visit to the SLA's stage ends (its next event
   * with a different stage, forward or lost).
   *
   * @param enteredAt first entry into the stage (epoch microseconds)
   * @param workedAt end of that first visit, or {@link LeadTimeline#NO_TIME}
   * @param asOf the as-of instant
   */
  public static SlaOutcome evaluate(
      double withinHours, ResponseClock clock, long enteredAt, long workedAt, long asOf) {
    boolean worked = workedAt != LeadTimeline.NO_TIME;
    double hours = clock.hours(enteredAt, worked ? workedAt : asOf);
    Status status;
    if (worked) {
      status = hours <= withinHours ? Status.MET : Status.BREACHED;
    } else {
      status = hours > withinHours ? Status.BREACHED : Status.PENDING;
    }
    return new SlaOutcome(status, worked, hours);
  }
}
