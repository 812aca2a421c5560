package dev.funnel.sla;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.TargetDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A target's rows, one per period from the first period with any lead through the period that
 * contains the as-of day (periods without leads included, at 0).
 */
public final class TargetSeries {
  private TargetSeries() {}

  /**
   * One period of a target.
   *
   * @param periodStart first day of the period
   * @param goal the goal
   * @param actual leads counted, or amounts summed
   * @param attainment actual / goal
   * @param complete the period ended at or before the as-of instant
   * @param elapsedFraction share of the period before the as-of instant (1 when complete)
   * @param projected actual / elapsed fraction
   * @param onTrack projected ≥ goal
   * @param leadVelocityRate for count targets and complete periods: change against the previous
   *     period's actual, relative to it; null otherwise or when the previous actual is 0
   */
  public record Row(
      LocalDate periodStart,
      double goal,
      double actual,
      double attainment,
      boolean complete,
      double elapsedFraction,
      double projected,
      boolean onTrack,
      Double leadVelocityRate) {}

  /**
   * Builds the rows of a target from the actual of each period that had leads.
   *
   * @param actuals period start → leads counted or amounts summed
   */
  public static List<Row> of(
      TargetDefinition target,
      Map<LocalDate, Double> actuals,
      FunnelCalendar calendar,
      LocalDate asOfDay,
      Instant asOf) {
    List<Row> rows = new ArrayList<>();
    TreeMap<LocalDate, Double> sorted = new TreeMap<>(actuals);
    LocalDate current = target.period().periodStart(asOfDay);
    if (sorted.isEmpty() || sorted.firstKey().isAfter(current)) {
      return rows;
    }
    Double previous = null;
    for (LocalDate start = sorted.firstKey();
        !start.isAfter(current);
        start = target.period().nextPeriodStart(start)) {
      double actual = sorted.getOrDefault(start, 0.0);
      Instant begin = calendar.periodBegin(start);
      Instant end = calendar.periodEnd(target.period(), start);
      boolean complete = !end.isAfter(asOf);
      double elapsed =
          complete
              ? 1.0
              : (double) Duration.between(begin, asOf).toNanos()
                  / Duration.between(begin, end).toNanos();
      double projected = actual / elapsed;
      Double velocity = null;
      if (target.kind() == TargetDefinition.Kind.LEADS
          && complete
          && previous != null
          && previous > 0) {
        velocity = (actual - previous) / previous;
      }
      rows.add(
          new Row(
              start,
              target.goal(),
              actual,
              actual / target.goal(),
              complete,
              elapsed,
              projected,
              projected >= target.goal(),
              velocity));
      previous = actual;
    }
    return rows;
  }
}
