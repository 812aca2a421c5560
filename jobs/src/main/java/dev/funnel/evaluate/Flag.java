package dev.funnel.evaluate;

import java.time.LocalDate;
import java.util.Set;

/**
 * One row of a run's {@code anomalies} table, reduced to what the evaluation matches on.
 *
 * @param asOf the run's as-of day
 * @param kind e.g. {@code CONVERSION_DROP}
 * @param severity {@code critical}, {@code warning} or {@code info}
 * @param stage the judged stage
 * @param dimension the breakdown dimension or {@code (all)}
 * @param dimensionValue the dimension value or {@code (all)}
 * @param periodStart the judged cohort week's Monday
 */
public record Flag(
    LocalDate asOf,
    String kind,
    String severity,
    String stage,
    String dimension,
    String dimensionValue,
    LocalDate periodStart) {

  /** The breakdown value of the total cell. */
  public static final String ALL = "(all)";

  /** Severities that count as a flag a manager is told about. */
  public static final Set<String> ACTIONABLE = Set.of("critical", "warning");

  /** True for a critical or warning row: the rows recall, precision and false flags count. */
  public boolean actionable() {
    return ACTIONABLE.contains(severity);
  }

  /** True when this row is about the total cell. */
  public boolean isTotal() {
    return ALL.equals(dimension) && ALL.equals(dimensionValue);
  }
}
