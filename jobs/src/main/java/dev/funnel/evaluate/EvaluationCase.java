package dev.funnel.evaluate;

import dev.funnel.generate.InjectedAnomaly;
import dev.funnel.generate.Scenario;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * One evaluated case: a scenario and a kind of injected anomaly (or {@code null}: nothing
 * injected), with issue 10's target for it.
 *
 * @param scenario the generated scenario
 * @param kind {@code null} or an injected kind's label ({@code conversion_drop}, ...)
 * @param anomalyTemplate the injection without its window ({@code week} and {@code weeks} are
 *     added), in {@link InjectedAnomaly#parse} syntax; null for the null case
 * @param description the injection in words, for the results table
 * @param targetWeeks recall is judged within this many weeks of onset
 * @param targetRecall the recall to reach within {@code targetWeeks}
 * @param maxFalseFlagsPerReport the most false flags per weekly report the null case may show
 */
public record EvaluationCase(
    Scenario scenario,
    String kind,
    String anomalyTemplate,
    String description,
    int targetWeeks,
    double targetRecall,
    double maxFalseFlagsPerReport) {

  /** The label of the case with nothing injected. */
  public static final String NULL = "null";

  /** True unless this is the null case. */
  public boolean injects() {
    return anomalyTemplate != null;
  }

  /** The injected anomaly for a window of {@code weeks} weeks from {@code onset}; null if none. */
  public InjectedAnomaly anomaly(LocalDate onset, int weeks) {
    if (!injects()) {
      return null;
    }
    return InjectedAnomaly.parse(anomalyTemplate + ",week=" + onset + ",weeks=" + weeks);
  }

  /** The target in words, e.g. {@code recall >= 90% within 4 weeks}. */
  public String target() {
    if (!injects()) {
      return String.format(Locale.ROOT, "<= %.1f false flags / report", maxFalseFlagsPerReport);
    }
    return String.format(
        Locale.ROOT, "recall >= %.0f%% within %d weeks", targetRecall * 100, targetWeeks);
  }

  /** The cases of {@code scenario}, the null case first: issue 10's measured targets. */
  public static List<EvaluationCase> catalog(Scenario scenario) {
    return switch (scenario) {
      case STANDARD ->
          List.of(
              nullCase(scenario),
              new EvaluationCase(
                  scenario,
                  "conversion_drop",
                  "stage=mql,dimension=source,value=organic,kind=conversion_drop,magnitude=0.65",
                  "mql conversion -35% for source = organic (30% of leads)",
                  4,
                  0.90,
                  Double.NaN),
              new EvaluationCase(
                  scenario,
                  "conversion_rise",
                  "stage=lead,dimension=segment,value=mid_market,kind=conversion_rise,"
                      + "magnitude=0.02",
                  "lead pass rate to about 99% for segment = mid_market (29% of leads)",
                  6,
                  0.95,
                  Double.NaN),
              new EvaluationCase(
                  scenario,
                  "slowdown",
                  "stage=sql,dimension=region,value=na,kind=slowdown,magnitude=0.4",
                  "time in sql x2.5 for region = na (30% of leads)",
                  6,
                  0.90,
                  Double.NaN),
              new EvaluationCase(
                  scenario,
                  "volume_cut",
                  "dimension=region,value=apac,kind=volume_cut,magnitude=0.5",
                  "new leads -50% for region = apac (15% of leads)",
                  2,
                  0.95,
                  Double.NaN));
      case LONG_CYCLE ->
          List.of(
              nullCase(scenario),
              new EvaluationCase(
                  scenario,
                  "conversion_drop",
                  "stage=opportunity,dimension=source,value=outbound,kind=conversion_drop,"
                      + "magnitude=0.4",
                  "win rate (opportunity -> won) -60% for source = outbound (20% of leads)",
                  6,
                  0.90,
                  Double.NaN));
    };
  }

  /** The case of {@code kind} in {@code scenario}'s catalog. */
  public static EvaluationCase find(Scenario scenario, String kind) {
    List<EvaluationCase> cases = catalog(scenario);
    for (EvaluationCase c : cases) {
      if (c.kind().equalsIgnoreCase(kind.trim())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "kind '"
            + kind
            + "' is not evaluated for scenario "
            + scenario.label()
            + " (one of "
            + cases.stream().map(EvaluationCase::kind).toList()
            + ")");
  }

  private static EvaluationCase nullCase(Scenario scenario) {
    return new EvaluationCase(scenario, NULL, null, "nothing injected", 0, Double.NaN, 0.1);
  }
}
