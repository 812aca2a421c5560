package dev.funnel.evaluate;

import dev.funnel.generate.Scenario;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;

/**
 * When the evaluation injects and reports: data from {@code start}; the onset is the first Monday
 * at least the conversion window plus {@link #BASELINE_WEEKS} weeks after the start, so that the
 * baseline has that many mature cohort weeks; weekly reports (nightly runs as of a Monday) {@code
 * delays} weeks after the onset; the injection lasts until the last report.
 *
 * @param scenario the generated scenario
 * @param start first day of generated data, a Monday
 * @param windowDays the funnel's conversion window
 * @param delays weeks after onset of the reports, ascending
 */
public record EvaluationPlan(
    Scenario scenario, LocalDate start, int windowDays, List<Integer> delays) {

  /** Mature baseline weeks before the onset beyond the window. */
  public static final int BASELINE_WEEKS = 10;

  /** The reports issue 10 asks about: 1, 2, 4 and 6 weeks after onset. */
  public static final List<Integer> DELAYS = List.of(1, 2, 4, 6);

  /** The default start of generated data: Monday 2025-01-06. */
  public static final LocalDate START = LocalDate.of(2025, 1, 6);

  /** Checks the components. */
  public EvaluationPlan {
    if (start.getDayOfWeek() != DayOfWeek.MONDAY) {
      throw new IllegalArgumentException("start " + start + " is not a Monday");
    }
    if (delays.isEmpty() || delays.get(0) < 1) {
      throw new IllegalArgumentException("delays " + delays + " must be positive weeks");
    }
    for (int i = 1; i < delays.size(); i++) {
      if (delays.get(i) <= delays.get(i - 1)) {
        throw new IllegalArgumentException("delays " + delays + " are not ascending");
      }
    }
    delays = List.copyOf(delays);
  }

  /** The onset: the first Monday on or after start + window + {@link #BASELINE_WEEKS} weeks. */
  public LocalDate onset() {
    return start
        .plusDays(windowDays)
        .plusWeeks(BASELINE_WEEKS)
        .with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
  }

  /** The injection's length in weeks: up to the last report. */
  public int injectionWeeks() {
    return delays.get(delays.size() - 1);
  }

  /** The as-of Monday of the report {@code weeks} weeks after the onset. */
  public LocalDate asOf(int weeks) {
    return onset().plusWeeks(weeks);
  }

  /** The classpath resource of the scenario's funnel configuration. */
  public static String configResource(Scenario scenario) {
    return "/evaluate/" + scenario.label() + ".yaml";
  }
}
