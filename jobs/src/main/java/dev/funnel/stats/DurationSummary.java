package dev.funnel.stats;

import java.util.Arrays;

/**
 * Time-in-stage figures for one cell: counts, mean and type-7 percentiles over closed visits, and
 * Kaplan–Meier quantiles with open visits censored at the as-of instant.
 *
 * @param visits all visits of the cell
 * @param closed visits that ended
 * @param open visits still in the stage at the as-of instant
 * @param meanHours mean over closed visits, null if none
 * @param p50Hours type-7 median over closed visits, null if none
 * @param p75Hours type-7 75th percentile over closed visits, null if none
 * @param p90Hours type-7 90th percentile over closed visits, null if none
 * @param p95Hours type-7 95th percentile over closed visits, null if none
 * @param kmP50Hours Kaplan–Meier median, null if S(t) never falls to 0.5
 * @param kmP90Hours Kaplan–Meier 90th percentile, null if S(t) never falls to 0.1
 */
public record DurationSummary(
    long visits,
    long closed,
    long open,
    Double meanHours,
    Double p50Hours,
    Double p75Hours,
    Double p90Hours,
    Double p95Hours,
    Double kmP50Hours,
    Double kmP90Hours) {

  /**
   * Summarises a cell.
   *
   * @param closedHours durations of closed visits
   * @param censoredHours for open visits, hours from entry to the as-of instant
   */
  public static DurationSummary of(double[] closedHours, double[] censoredHours) {
    double[] closed = closedHours.clone();
    double[] censored = censoredHours.clone();
    Arrays.sort(closed);
    Arrays.sort(censored);
    Percentiles percentiles = Percentiles.of(closed);
    KaplanMeier km = KaplanMeier.fitSorted(closed, censored);
    Double mean = null;
    if (closed.length > 0) {
      double sum = 0;
      for (double value : closed) {
        sum += value;
      }
      mean = sum / closed.length;
    }
    return new DurationSummary(
        closed.length + censored.length,
        closed.length,
        censored.length,
        mean,
        percentiles.quantile(0.50),
        percentiles.quantile(0.75),
        percentiles.quantile(0.90),
        percentiles.quantile(0.95),
        km.quantile(0.50),
        km.quantile(0.90));
  }
}
