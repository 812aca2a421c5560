package dev.funnel.anomaly;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One synthetic cell (the {@code lead} stage's total) built lead by lead and binned the way the
 * Spark side bins the visit facts, for judging with {@link AnomalyJudge} without Spark: every lead
 * of a week enters at evenly spaced instants over it, converts or not with a delay in hours, and
 * its week's facts count it as the as-of instant sees it.
 */
final class SyntheticCell {
  /** A four-week conversion window, eight baseline weeks, α = 0.05, UTC. */
  static final String YAML =
      "name: synthetic\n"
          + "timezone: UTC\n"
          + "stages: [lead, mql, won]\n"
          + "lost_stages: []\n"
          + "conversion_window_days: 28\n"
          + "anomalies: {baseline_periods: 8, min_leads: 30, false_discovery_rate: 0.05}\n";

  static final FunnelConfig CONFIG = ConfigLoader.parse(YAML, "synthetic.yaml");

  /** Wednesday; the as-of instant is the end of that day, Thursday 2026-11-19 00:00 UTC. */
  static final LocalDate AS_OF_DAY = LocalDate.of(2026, 11, 18);

  static final Instant AS_OF = new FunnelCalendar(CONFIG.zone()).asOfInstant(AS_OF_DAY);

  static final AnomalyJudge.Context CONTEXT = new AnomalyJudge.Context(AS_OF_DAY, AS_OF, CONFIG);

  static final CellKey CELL = new CellKey("lead", AnomalyJudge.ALL, AnomalyJudge.ALL);

  static final double WINDOW_HOURS = 28 * 24;

  /**
   * The weeks judged for conversion, worked out from the rule (mature when the week's end plus the
   * window is at or before the as-of instant): 2026-10-12 + 7 days + 28 days = 2026-11-16 ≤
   * 2026-11-19, 2026-10-19 + 35 days = 2026-11-23 is after it. So 2026-10-12 is the latest mature
   * week and 2026-10-19 .. 2026-11-16 are immature.
   */
  static final LocalDate LATEST_MATURE = LocalDate.of(2026, 10, 12);

  static final LocalDate CURRENT_WEEK = LocalDate.of(2026, 11, 16);

  /** The eight weeks before the latest mature one: the conversion baseline when none is flagged. */
  static List<LocalDate> baselineWeeks() {
    List<LocalDate> weeks = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      weeks.add(LATEST_MATURE.minusWeeks(i));
    }
    return weeks;
  }

  /**
   * The weeks with leads: twelve before the latest mature week (the eight baseline weeks and four
   * spares for weeks the judge re-judges out) through the current week. Older candidate weeks the
   * judge could read ({@link AnomalyJudge#firstWeekNeeded}) are left empty; they are only reached
   * when more than four weeks are re-judged out, which the judge never does (at most half of B).
   */
  static List<LocalDate> allWeeks() {
    List<LocalDate> weeks = new ArrayList<>();
    for (LocalDate w = LATEST_MATURE.minusWeeks(12); !w.isAfter(CURRENT_WEEK); w = w.plusWeeks(1)) {
      weeks.add(w);
    }
    return weeks;
  }

  /** One lead as the as-of instant sees it. */
  record Lead(double ageHours, double delayHours, boolean convertedByAsOf) {}

  /** The leads of a week: entered evenly over it, only those entered before the as-of instant. */
  static List<Lead> leads(LocalDate monday, int perWeek, Outcome outcome) {
    double weekAge = hoursBeforeAsOf(monday);
    List<Lead> out = new ArrayList<>(perWeek);
    for (int i = 0; i < perWeek; i++) {
      double age = weekAge - (i + 0.5) * 168.0 / perWeek;
      if (age <= 0) {
        break;
      }
      double delay = outcome.delayHours(i);
      boolean converted = delay <= Math.min(age, WINDOW_HOURS);
      out.add(new Lead(age, delay, converted));
    }
    return out;
  }

  /** Hours from a Monday's start (UTC) to the as-of instant. */
  static double hoursBeforeAsOf(LocalDate monday) {
    Instant begin = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
    return Duration.between(begin, AS_OF).toNanos() / 3.6e12;
  }

  /**
   * A deterministic outcome: leads {@code i} with {@code i % 10 < perTen} convert, their delays
   * spread evenly over the window by a low-discrepancy (golden-ratio) sequence, so that any stretch
   * of a week's leads has the same delay spread: F(a) = perTen/10 · a / W.
   */
  static Outcome evenly(int perTen) {
    return i ->
        i % 10 >= perTen
            ? Double.POSITIVE_INFINITY
            : ((i + 1) * 0.6180339887498949) % 1.0 * WINDOW_HOURS;
  }

  /** The delay of lead i of a week in hours, or infinity when it never converts. */
  interface Outcome {
    double delayHours(int i);
  }

  /**
   * The week's facts as {@code AnomalyFacts} aggregates them: converted leads by delay bin, leads
   * younger than the window by age bin, the rest at full age; entries before the as-of day's
   * elapsed part of the week (Monday 00:00 through the end of Wednesday).
   */
  static WeekFacts facts(LocalDate monday, List<Lead> leads, boolean ignoreAge) {
    long converted = 0;
    long fullAge = 0;
    long byElapsed = 0;
    long[] delays = new long[0];
    long[] ages = new long[0];
    double elapsedHours = AS_OF_DAY.getDayOfWeek().getValue() * 24.0;
    double weekAgeAtAsOf = hoursBeforeAsOf(monday);
    for (Lead l : leads) {
      if (l.convertedByAsOf()) {
        converted++;
        delays = increment(delays, DurationBins.bin(l.delayHours()));
      }
      if (ignoreAge || l.ageHours() >= WINDOW_HOURS) {
        fullAge++;
      } else {
        ages = increment(ages, DurationBins.bin(l.ageHours()));
      }
      double hoursIntoWeek = weekAgeAtAsOf - l.ageHours();
      if (hoursIntoWeek < elapsedHours) {
        byElapsed++;
      }
    }
    return new WeekFacts(
        CELL,
        monday,
        leads.size(),
        converted,
        fullAge,
        byElapsed,
        delays,
        ages,
        new long[0],
        new long[0],
        new long[0],
        new long[0]);
  }

  static Map<CellKey, Map<LocalDate, WeekFacts>> cell(Map<LocalDate, WeekFacts> weeks) {
    Map<CellKey, Map<LocalDate, WeekFacts>> m = new HashMap<>();
    m.put(CELL, new HashMap<>(weeks));
    return m;
  }

  static List<Check> judge(Map<LocalDate, WeekFacts> weeks) {
    return AnomalyJudge.judge(CONTEXT, cell(weeks), List.of(), AnomalyHistory.none());
  }

  /** The cell's one CONVERSION_DROP test of the family. */
  static Check dropTest(List<Check> checks) {
    Check found = null;
    for (Check c : checks) {
      if (c.kind() == AnomalyKind.CONVERSION_DROP && c.family()) {
        if (found != null) {
          throw new AssertionError("two CONVERSION_DROP family tests for one cell");
        }
        found = c;
      }
    }
    if (found == null) {
      throw new AssertionError("no CONVERSION_DROP family test: " + checks);
    }
    return found;
  }

  static boolean anyDropFlagged(List<Check> checks) {
    return checks.stream().anyMatch(c -> c.kind() == AnomalyKind.CONVERSION_DROP && c.flagged());
  }

  private static long[] increment(long[] bins, int bin) {
    long[] out = bins.length > bin ? bins : Arrays.copyOf(bins, bin + 1);
    out[bin]++;
    return out;
  }

  private SyntheticCell() {}
}
