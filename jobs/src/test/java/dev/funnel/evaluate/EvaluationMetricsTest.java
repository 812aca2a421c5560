package dev.funnel.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.generate.Scenario;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching flags to injected truth and the metrics, on hand-made anomaly rows. */
class EvaluationMetricsTest {
  private static final LocalDate ONSET = LocalDate.of(2025, 5, 19);
  private static final EvaluationCase DROP =
      EvaluationCase.find(Scenario.STANDARD, "conversion_drop");
  private static final EvaluationCase CUT = EvaluationCase.find(Scenario.STANDARD, "volume_cut");
  private static final EvaluationCase NULL = EvaluationCase.find(Scenario.STANDARD, "null");
  // mql conversion of source = organic, window [2025-05-19, 2025-06-30).
  private static final Injection DROP_TRUTH = Injection.of(DROP.anomaly(ONSET, 6));
  private static final Injection CUT_TRUTH = Injection.of(CUT.anomaly(ONSET, 6));

  private static Flag flag(
      String kind, String severity, String stage, String dim, String value, String week) {
    return new Flag(
        LocalDate.of(2025, 6, 2), kind, severity, stage, dim, value, LocalDate.parse(week));
  }

  private static Flag drop(String severity, String stage, String dim, String value, String week) {
    return flag("CONVERSION_DROP", severity, stage, dim, value, week);
  }

  @Test
  void aHitNeedsSeverityKindStageCellAndAWeekInTheWindow() {
    assertEquals("CONVERSION_DROP", DROP_TRUTH.expectedKind());
    assertEquals(LocalDate.of(2025, 6, 30), DROP_TRUTH.anomaly().weekEnd());
    assertTrue(DROP_TRUTH.hits(drop("warning", "mql", "source", "organic", "2025-05-19")));
    assertTrue(DROP_TRUTH.hits(drop("critical", "mql", "source", "organic", "2025-06-23")));
    // Pooled runs may start up to two weeks before the onset: 2025-05-05 is 14 days before.
    assertTrue(DROP_TRUTH.hits(drop("warning", "mql", "source", "organic", "2025-05-05")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "mql", "source", "organic", "2025-05-04")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "mql", "source", "organic", "2025-06-30")));
    assertFalse(DROP_TRUTH.hits(drop("info", "mql", "source", "organic", "2025-05-19")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "sql", "source", "organic", "2025-05-19")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "mql", "source", "paid_search", "2025-05-19")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "mql", "segment", "organic", "2025-05-19")));
    assertFalse(DROP_TRUTH.hits(drop("warning", "mql", "(all)", "(all)", "2025-05-19")));
    assertFalse(
        DROP_TRUTH.hits(flag("SLOW_STAGE", "warning", "mql", "source", "organic", "2025-05-19")));
  }

  @Test
  void theInjectionExplainsItsKindAndStageOnItsCellOrTheTotal() {
    assertTrue(DROP_TRUTH.explains(drop("warning", "mql", "source", "organic", "2025-05-26")));
    assertTrue(DROP_TRUTH.explains(drop("critical", "mql", "(all)", "(all)", "2025-05-26")));
    assertFalse(DROP_TRUTH.explains(drop("warning", "sql", "source", "organic", "2025-05-26")));
    assertFalse(DROP_TRUTH.explains(drop("warning", "mql", "source", "referral", "2025-05-26")));
    assertFalse(DROP_TRUTH.explains(drop("warning", "mql", "(all)", "(all)", "2025-03-03")));
    assertFalse(DROP_TRUTH.explains(drop("info", "mql", "(all)", "(all)", "2025-05-26")));
    assertFalse(
        DROP_TRUTH.explains(
            flag("VOLUME_DROP", "warning", "sql", "source", "organic", "2025-05-26")));
  }

  @Test
  void aVolumeCutIsFoundAtLeadCreationAndExplainsVolumeDropsAtEveryStage() {
    assertEquals("VOLUME_DROP", CUT_TRUTH.expectedKind());
    assertTrue(
        CUT_TRUTH.hits(flag("VOLUME_DROP", "warning", "lead", "region", "apac", "2025-05-19")));
    assertFalse(
        CUT_TRUTH.hits(flag("VOLUME_DROP", "warning", "mql", "region", "apac", "2025-05-19")));
    assertTrue(
        CUT_TRUTH.explains(flag("VOLUME_DROP", "warning", "mql", "region", "apac", "2025-05-19")));
    assertTrue(
        CUT_TRUTH.explains(flag("VOLUME_DROP", "critical", "sql", "(all)", "(all)", "2025-05-26")));
    assertFalse(
        CUT_TRUTH.explains(flag("VOLUME_DROP", "warning", "mql", "region", "na", "2025-05-19")));
    assertFalse(
        CUT_TRUTH.explains(
            flag("CONVERSION_DROP", "warning", "lead", "region", "apac", "2025-05-19")));
  }

  @Test
  void theKindMappingIsTheIssues() {
    assertEquals(
        "LAX_GATE",
        Injection.of(EvaluationCase.find(Scenario.STANDARD, "conversion_rise").anomaly(ONSET, 6))
            .expectedKind());
    assertEquals(
        "SLOW_STAGE",
        Injection.of(EvaluationCase.find(Scenario.STANDARD, "slowdown").anomaly(ONSET, 6))
            .expectedKind());
  }

  private static Report report(int weeks, Flag... flags) {
    return new Report(weeks, ONSET.plusWeeks(weeks), List.of(flags));
  }

  @Test
  void recallDelayPrecisionAndFalseFlagsOfInjectedRuns() {
    Flag hit = drop("warning", "mql", "source", "organic", "2025-05-19");
    Flag total = drop("critical", "mql", "(all)", "(all)", "2025-05-19");
    Flag other = drop("warning", "sql", "segment", "smb", "2025-05-19");
    Flag info = flag("INSUFFICIENT_DATA", "info", "won", "owner", "rep_10", "2025-05-19");
    // Seed 1 is found 2 weeks after onset, seed 2 after 1 week (and again), seed 3 never.
    SeedRun first =
        new SeedRun(
            1,
            DROP_TRUTH,
            List.of(report(1, info), report(2, hit, total), report(4, hit), report(6, other)));
    SeedRun second =
        new SeedRun(2, DROP_TRUTH, List.of(report(1, hit), report(2), report(4, hit), report(6)));
    SeedRun third =
        new SeedRun(
            3, DROP_TRUTH, List.of(report(1, other), report(2), report(4, other), report(6)));
    CaseMetrics metrics = new CaseMetrics(DROP, List.of(first, second, third));
    assertEquals(3, metrics.seeds());
    assertEquals(12, metrics.reports());
    assertEquals(1, metrics.detectedWithin(1));
    assertEquals(2, metrics.detectedWithin(2));
    assertEquals(1 / 3.0, metrics.recallWithin(1), 1e-12);
    assertEquals(2 / 3.0, metrics.recallWithin(4), 1e-12);
    assertEquals(2 / 3.0, metrics.recallWithin(6), 1e-12);
    // Delays 2 and 1: median 1.5.
    assertEquals(1.5, metrics.medianDelayWeeks());
    // Actionable: hit, total, hit, other | hit, hit | other, other = 8; explained 5.
    assertEquals(8, metrics.actionableFlags());
    assertEquals(3, metrics.unexplainedFlags());
    assertEquals(5 / 8.0, metrics.precision(), 1e-12);
    assertEquals(3 / 12.0, metrics.falseFlagsPerReport(), 1e-12);
    assertEquals(3 / 12.0, metrics.reportsWithFalseFlags(), 1e-12);
    // Target: recall >= 90% within 4 weeks.
    assertEquals(false, metrics.targetMet());
    assertEquals("recall >= 90% within 4 weeks", DROP.target());
  }

  @Test
  void onNullRunsEveryActionableFlagIsFalse() {
    Flag any = drop("warning", "mql", "source", "organic", "2025-05-19");
    Flag info = flag("INSUFFICIENT_DATA", "info", "won", "owner", "rep_10", "2025-05-19");
    SeedRun a = new SeedRun(1, null, List.of(report(1, any, any), report(2, info)));
    SeedRun b = new SeedRun(2, null, List.of(report(1), report(2)));
    CaseMetrics metrics = new CaseMetrics(NULL, List.of(a, b));
    assertEquals(4, metrics.reports());
    assertEquals(2 / 4.0, metrics.falseFlagsPerReport(), 1e-12);
    assertEquals(1 / 4.0, metrics.reportsWithFalseFlags(), 1e-12);
    assertTrue(Double.isNaN(metrics.recallWithin(1)));
    assertTrue(Double.isNaN(metrics.precision()));
    assertNull(metrics.medianDelayWeeks());
    assertEquals(false, metrics.targetMet());
    CaseMetrics quiet = new CaseMetrics(NULL, List.of(b, new SeedRun(3, null, List.of(report(1)))));
    assertEquals(0.0, quiet.falseFlagsPerReport());
    assertEquals(true, quiet.targetMet());
  }

  @Test
  void theResultsTableShowsCountsAndTheCommand() {
    Flag hit = drop("warning", "mql", "source", "organic", "2025-05-19");
    Flag other = drop("warning", "sql", "segment", "smb", "2025-05-19");
    CaseMetrics drop =
        new CaseMetrics(
            DROP,
            List.of(
                new SeedRun(1, DROP_TRUTH, List.of(report(1), report(2, hit, other))),
                new SeedRun(2, DROP_TRUTH, List.of(report(1, hit), report(2, hit)))));
    CaseMetrics quiet =
        new CaseMetrics(NULL, List.of(new SeedRun(1, null, List.of(report(1), report(2, other)))));
    String md =
        ResultsTable.markdown(
            "java -jar jobs/target/funnel.jar evaluate --seeds 2",
            List.of(1, 2),
            List.of(quiet, drop));
    assertTrue(md.startsWith("```bash\njava -jar jobs/target/funnel.jar evaluate --seeds 2\n```"));
    assertTrue(
        md.contains(
            "| standard | null | nothing injected | 1 | 2 | – | – | – | – | 0.500 (1 / 2) |"
                + " <= 0.1 false flags / report | no |"),
        md);
    assertTrue(
        md.contains(
            "| standard | conversion_drop | mql conversion -35% for source = organic (30% of"
                + " leads) | 2 | 4 | 1/2 (50%) | 2/2 (100%) | 1.5 | 3/4 (75%) | 0.250 (1 / 4) |"
                + " recall >= 90% within 4 weeks | yes |"),
        md);
    // Not found within 2 weeks, and no report at 4: the 4-week target is not measured.
    CaseMetrics missed =
        new CaseMetrics(DROP, List.of(new SeedRun(1, DROP_TRUTH, List.of(report(1), report(2)))));
    assertNull(missed.targetMet());
    assertTrue(
        ResultsTable.markdown("x", List.of(1, 2), List.of(missed))
            .contains("| recall >= 90% within 4 weeks | not measured |"));
  }

  @Test
  void theOnsetLeavesTheWindowPlusTenMatureWeeks() {
    // 2025-01-06 + 60 days = 2025-03-07, + 70 days = Friday 2025-05-16: the Monday after.
    EvaluationPlan standard =
        new EvaluationPlan(Scenario.STANDARD, EvaluationPlan.START, 60, EvaluationPlan.DELAYS);
    assertEquals(LocalDate.of(2025, 5, 19), standard.onset());
    assertEquals(LocalDate.of(2025, 6, 30), standard.asOf(6));
    assertEquals(6, standard.injectionWeeks());
    // + 120 days = 2025-05-06, + 70 days = Tuesday 2025-07-15: Monday 2025-07-21.
    EvaluationPlan longCycle =
        new EvaluationPlan(Scenario.LONG_CYCLE, EvaluationPlan.START, 120, EvaluationPlan.DELAYS);
    assertEquals(LocalDate.of(2025, 7, 21), longCycle.onset());
    assertThrows(
        IllegalArgumentException.class,
        () -> new EvaluationPlan(Scenario.STANDARD, EvaluationPlan.START, 60, List.of(2, 1)));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> EvaluationCase.find(Scenario.LONG_CYCLE, "slowdown"));
    assertTrue(unknown.getMessage().contains("[null, conversion_drop]"), unknown.getMessage());
  }
}
