package dev.funnel.config;

import dev.funnel.calendar.Grain;
import java.io.Serializable;

/**
 * A volume or value target: per period, the leads whose first entry into {@code stage} falls in it,
 * counted ({@link Kind#LEADS}) or summed by amount ({@link Kind#AMOUNT}).
 *
 * @param name name in the targets table
 * @param stage the stage whose first entry counts
 * @param period week or month, in the funnel's time zone
 * @param kind count of leads or sum of amounts
 * @param goal the goal per period
 * @param currency the amount's currency (null for lead counts)
 */
public record TargetDefinition(
    String name, String stage, Grain period, Kind kind, double goal, String currency)
    implements Serializable {

  /** What a target measures. */
  public enum Kind {
    /** Number of leads. */
    LEADS,
    /** Sum of the leads' amounts. */
    AMOUNT
  }
}
