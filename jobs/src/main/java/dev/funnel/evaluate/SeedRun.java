package dev.funnel.evaluate;

import java.util.List;
import java.util.OptionalInt;

/**
 * The weekly reports of one seed of one evaluated case, in as-of order.
 *
 * @param seed the generator seed
 * @param injection the injected anomaly's truth, or null when nothing was injected
 * @param reports the reports, earliest first
 */
public record SeedRun(long seed, Injection injection, List<Report> reports) {
  /** Copies the report list. */
  public SeedRun {
    reports = List.copyOf(reports);
  }

  /**
   * The detection delay: the weeks after onset of the first report with a flag that {@link
   * Injection#hits hits} the injection; empty when none does or nothing was injected.
   */
  public OptionalInt firstHitWeeks() {
    if (injection == null) {
      return OptionalInt.empty();
    }
    for (Report report : reports) {
      if (report.flags().stream().anyMatch(injection::hits)) {
        return OptionalInt.of(report.weeksAfterOnset());
      }
    }
    return OptionalInt.empty();
  }

  /** The actionable flags of the reports that the injection does not explain (all without one). */
  public long unexplainedFlags() {
    return reports.stream()
        .flatMap(report -> report.actionable().stream())
        .filter(flag -> injection == null || !injection.explains(flag))
        .count();
  }

  /** The actionable flags of the reports. */
  public long actionableFlags() {
    return reports.stream().mapToLong(report -> report.actionable().size()).sum();
  }

  /** Reports with at least one unexplained actionable flag. */
  public long reportsWithUnexplainedFlags() {
    return reports.stream()
        .filter(
            report ->
                report.actionable().stream()
                    .anyMatch(flag -> injection == null || !injection.explains(flag)))
        .count();
  }
}
