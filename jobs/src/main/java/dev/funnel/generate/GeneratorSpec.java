package dev.funnel.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/**
 * What {@link EventGenerator} generates. The same spec (partitions aside) always yields the same
 * events.
 *
 * @param leads number of leads to simulate, 1 to {@link #MAX_LEADS}; VOLUME_CUT anomalies drop some
 *     of them, see {@link EventGenerator#AVERAGE_EVENTS_PER_LEAD} to size a dataset
 * @param start first day leads are created (in {@link SyntheticFunnel#ZONE}), 1970-01-01 or later
 * @param months months over which leads are created, 1 to 120
 * @param seed the random seed
 * @param anomalies anomalies to inject, each overlapping {@code [start, start + months)}
 * @param partitions Spark partitions to generate with, 0 for automatic (see {@link
 *     #effectivePartitions()}); does not change the data
 * @param weeklyVariation relative standard deviation of the shared weekly factors of every advance
 *     probability and of the weekly volume (see {@link WeeklyVariation}), 0 to 0.5; 0 (no
 *     week-to-week variation beyond chance) gives exactly the data of a spec without it
 * @param timing how long leads stay in each stage
 */
public record GeneratorSpec(
    long leads,
    LocalDate start,
    int months,
    long seed,
    List<InjectedAnomaly> anomalies,
    int partitions,
    double weeklyVariation,
    Timing timing)
    implements Serializable {

  /** The most weekly variation a spec may ask for. */
  public static final double MAX_WEEKLY_VARIATION = 0.5;

  /** The most leads a spec may ask for: lead ids have nine digits. */
  public static final long MAX_LEADS = 999_999_999L;

  /** The most partitions a spec may ask for. */
  public static final int MAX_PARTITIONS = 100_000;

  /** Events per automatic partition. */
  public static final long EVENTS_PER_PARTITION = 1_000_000L;

  private static final LocalDate EARLIEST_START = LocalDate.of(1970, 1, 1);

  /** Checks every component (messages name the bad value) and copies the anomaly list. */
  public GeneratorSpec {
    if (leads < 1 || leads > MAX_LEADS) {
      throw new IllegalArgumentException("leads " + leads + " is not between 1 and " + MAX_LEADS);
    }
    if (start == null || start.isBefore(EARLIEST_START)) {
      throw new IllegalArgumentException(
          "start " + start + " is missing or before " + EARLIEST_START);
    }
    if (months < 1 || months > 120) {
      throw new IllegalArgumentException("months " + months + " is not between 1 and 120");
    }
    if (partitions < 0 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partitions " + partitions + " is not between 0 (automatic) and " + MAX_PARTITIONS);
    }
    if (anomalies == null) {
      throw new IllegalArgumentException("anomalies is null; use an empty list for none");
    }
    for (int i = 0; i < anomalies.size(); i++) {
      if (anomalies.get(i) == null) {
        throw new IllegalArgumentException("anomaly #" + (i + 1) + " is null");
      }
    }
    if (!(weeklyVariation >= 0 && weeklyVariation <= MAX_WEEKLY_VARIATION)) {
      throw new IllegalArgumentException(
          "weekly variation " + weeklyVariation + " is not between 0 and " + MAX_WEEKLY_VARIATION);
    }
    if (timing == null) {
      throw new IllegalArgumentException("timing is null; use Timing.STANDARD for the default");
    }
    anomalies = List.copyOf(anomalies);
    LocalDate end = start.plusMonths(months);
    for (InjectedAnomaly anomaly : anomalies) {
      // An anomaly entirely outside the generated period would sit in the truth file unseen.
      if (!anomaly.weekStart().isBefore(end) || !anomaly.weekEnd().isAfter(start)) {
        throw new IllegalArgumentException(
            "anomaly '"
                + anomaly.toSpec()
                + "': its window ["
                + anomaly.weekStart()
                + ", "
                + anomaly.weekEnd()
                + ") does not overlap the generated period ["
                + start
                + ", "
                + end
                + ")");
      }
    }
  }

  /** A spec with standard timing and no weekly variation. */
  public GeneratorSpec(
      long leads,
      LocalDate start,
      int months,
      long seed,
      List<InjectedAnomaly> anomalies,
      int partitions) {
    this(leads, start, months, seed, anomalies, partitions, 0, Timing.STANDARD);
  }

  /** A spec without anomalies and with automatic partitions. */
  public static GeneratorSpec of(long leads, LocalDate start, int months, long seed) {
    return new GeneratorSpec(leads, start, months, seed, List.of(), 0);
  }

  /** This spec with other anomalies. */
  public GeneratorSpec withAnomalies(List<InjectedAnomaly> newAnomalies) {
    return new GeneratorSpec(
        leads, start, months, seed, newAnomalies, partitions, weeklyVariation, timing);
  }

  /** This spec with another partition count (0 for automatic). */
  public GeneratorSpec withPartitions(int newPartitions) {
    return new GeneratorSpec(
        leads, start, months, seed, anomalies, newPartitions, weeklyVariation, timing);
  }

  /** This spec with another weekly variation (0 for none). */
  public GeneratorSpec withWeeklyVariation(double newWeeklyVariation) {
    return new GeneratorSpec(
        leads, start, months, seed, anomalies, partitions, newWeeklyVariation, timing);
  }

  /** This spec with another timing. */
  public GeneratorSpec withTiming(Timing newTiming) {
    return new GeneratorSpec(
        leads, start, months, seed, anomalies, partitions, weeklyVariation, newTiming);
  }

  /** The first day after the generated period: {@code start + months}. */
  public LocalDate end() {
    return start.plusMonths(months);
  }

  /**
   * The partitions used: {@link #partitions()} when set, otherwise about one per {@link
   * #EVENTS_PER_PARTITION} expected events, at least 2.
   */
  public int effectivePartitions() {
    if (partitions > 0) {
      return partitions;
    }
    double expectedEvents = leads * EventGenerator.AVERAGE_EVENTS_PER_LEAD;
    long wanted = (long) Math.ceil(expectedEvents / EVENTS_PER_PARTITION);
    return (int) Math.max(2, Math.min(MAX_PARTITIONS, wanted));
  }
}
