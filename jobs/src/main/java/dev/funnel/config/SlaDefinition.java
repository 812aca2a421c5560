package dev.funnel.config;

import java.io.Serializable;

/**
 * A response service-level agreement: every lead that enters {@code stage} must be worked within
 * {@code withinHours} on the given clock.
 *
 * @param name name in the output tables
 * @param stage the stage whose first entry starts the clock
 * @param withinHours the limit; a response of exactly this long is met
 * @param clock calendar (elapsed time) or business (business hours only)
 */
public record SlaDefinition(String name, String stage, double withinHours, Clock clock)
    implements Serializable {

  /** How response time is counted. */
  public enum Clock {
    /** Exact elapsed time. */
    CALENDAR,
    /** Only time inside the business-hours windows, holidays excluded. */
    BUSINESS
  }
}
