package dev.funnel.anomaly;

import java.time.LocalDate;

/**
 * Everything the anomaly phase knows about one cell and cohort week (leads whose first entry into
 * the stage falls in the ISO week), aggregated from the run's visit facts. Bins are {@link
 * DurationBins}.
 *
 * @param cell stage and breakdown
 * @param week the week's Monday
 * @param entered leads whose first entry into the stage is in the week
 * @param converted of them, converted within the window by the as-of instant
 * @param fullAge of them, at least a window old at the as-of instant
 * @param enteredByElapsed of them, entered before the same elapsed part of their week (local
 *     weekday and time) as the as-of instant is into the current week
 * @param delayBins converted leads by the bin of their time to convert
 * @param ageBins leads younger than the window by the bin of their age at the as-of instant
 * @param exitBins closed visits of the stage that entered in the week, by the bin of their length
 * @param censoredBins open visits by the bin of their age at the as-of instant
 * @param slaMet per SLA (configuration order; 0 unless the stage is the SLA's): met leads
 * @param slaBreached per SLA: breached leads
 */
public record WeekFacts(
    CellKey cell,
    LocalDate week,
    long entered,
    long converted,
    long fullAge,
    long enteredByElapsed,
    long[] delayBins,
    long[] ageBins,
    long[] exitBins,
    long[] censoredBins,
    long[] slaMet,
    long[] slaBreached) {

  /** A week with no leads and no visits. */
  public static WeekFacts empty(CellKey cell, LocalDate week, int slas) {
    return new WeekFacts(
        cell,
        week,
        0,
        0,
        0,
        0,
        new long[0],
        new long[0],
        new long[0],
        new long[0],
        new long[slas],
        new long[slas]);
  }

  /** Visits of the stage that entered in the week. */
  public long visits() {
    return sum(exitBins) + sum(censoredBins);
  }

  /** The sum of binned counts. */
  public static long sum(long[] counts) {
    long s = 0;
    for (long c : counts) {
      s += c;
    }
    return s;
  }
}
