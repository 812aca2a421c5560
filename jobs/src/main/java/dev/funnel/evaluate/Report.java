package dev.funnel.evaluate;

import java.time.LocalDate;
import java.util.List;

/**
 * One weekly report of an evaluated run: the flags of the nightly run as of a Monday.
 *
 * @param weeksAfterOnset whole weeks from the onset (or the null case's reference Monday) to {@code
 *     asOf}
 * @param asOf the run's as-of day
 * @param flags every row of the run's {@code anomalies} table
 */
public record Report(int weeksAfterOnset, LocalDate asOf, List<Flag> flags) {
  /** Copies the flag list. */
  public Report {
    flags = List.copyOf(flags);
  }

  /** The critical and warning rows. */
  public List<Flag> actionable() {
    return flags.stream().filter(Flag::actionable).toList();
  }
}
