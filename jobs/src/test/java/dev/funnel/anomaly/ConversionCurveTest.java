package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The age-adjusted expectation and the overdispersion φ against values worked by hand. */
class ConversionCurveTest {
  private static final double EPS = 1e-12;

  /**
   * Three mature baseline weeks. A: 10 leads, 1 converted (delay bin 0). B: 10 leads, 7 converted
   * (bins 0..3: 2, 3, 1, 1). C: 20 leads, 6 converted (bins 0..2: 1, 3, 2). Pooled: N = 40, delay
   * bins 4, 6, 3, 1, 14 converted, mature rate 14/40 = 0.35.
   */
  private static final List<ConversionCurve.Week> BASELINE =
      List.of(
          new ConversionCurve.Week(10, new long[] {1}),
          new ConversionCurve.Week(10, new long[] {2, 3, 1, 1}),
          new ConversionCurve.Week(20, new long[] {1, 3, 2}));

  /**
   * φ: each week against the other two at full age, Var_b = n_b·F(1−F)·(1 + n_b/(N − n_b)).
   *
   * <pre>
   * A: F = 13/30, O − E = 1 − 130/30 = −10/3, Var = 10·(13/30)(17/30)·(4/3) = 442/135 → 750/221
   * B: F =  7/30, O − E = 7 −  70/30 =  14/3, Var = 10·( 7/30)(23/30)·(4/3) = 322/135 → 210/23
   * C: F =  8/20, O − E = 6 −    8   =  −2,   Var = 20·0.4·0.6·2           = 9.6     → 5/12
   * φ = max(1, (750/221 + 210/23 + 5/12) / 3) = 789335/182988 ≈ 4.3136
   * </pre>
   */
  private static final double PHI = 789335.0 / 182988;

  @Test
  void curveOfAThreeWeekBaseline() {
    ConversionCurve c = ConversionCurve.of(BASELINE);
    assertEquals(40, c.leads());
    assertEquals(0.35, c.matureRate(), EPS);
    // F at an age inside bin k: conversions of earlier bins, plus half of bin k's, over N.
    assertEquals((0 + 4 / 2.0) / 40, c.atAgeBin(0), EPS); // 0.05
    assertEquals((4 + 6 / 2.0) / 40, c.atAgeBin(1), EPS); // 0.175
    assertEquals((10 + 3 / 2.0) / 40, c.atAgeBin(2), EPS); // 0.2875
    assertEquals((13 + 1 / 2.0) / 40, c.atAgeBin(3), EPS); // 0.3375
    // Past the last bin with a conversion, F is the mature rate.
    assertEquals(0.35, c.atAgeBin(4), EPS);
    assertEquals(0.35, c.atAgeBin(40), EPS);
  }

  @Test
  void overdispersionOfAThreeWeekBaseline() {
    double a = (100.0 / 9) / (10 * (13.0 / 30) * (17.0 / 30) * (1 + 10.0 / 30));
    double b = (196.0 / 9) / (10 * (7.0 / 30) * (23.0 / 30) * (1 + 10.0 / 30));
    double c = 4 / (20 * 0.4 * 0.6 * (1 + 20.0 / 20));
    assertEquals(750.0 / 221, a, EPS);
    assertEquals(210.0 / 23, b, EPS);
    assertEquals(5.0 / 12, c, EPS);
    assertEquals(PHI, (a + b + c) / 3, EPS);
    assertEquals(PHI, ConversionCurve.of(BASELINE).overdispersion(), 1e-12);
  }

  /**
   * A 5-lead cohort: one lead aged in bin 0 (F = 0.05), two in bin 2 (F = 0.2875), one in bin 5
   * (beyond the last delay bin: F = 0.35) and one at full age (the mature rate 0.35); one
   * converted.
   *
   * <pre>
   * E  = 0.05 + 2·0.2875 + 0.35 + 0.35                       = 1.325 = 53/40
   * V0 = 0.05·0.95 + 2·0.2875·0.7125 + 2·0.35·0.65           = 0.9121875 = 2919/3200
   * noise = φ·V0
   * F̄ = E/n = 0.265, Var(E) = φ·E²·(1 − F̄)/(F̄·N) = φ·1.755625·0.735/(0.265·40)
   * </pre>
   */
  @Test
  void expectationOfAFiveLeadCohort() {
    ConversionCurve c = ConversionCurve.of(BASELINE);
    Expectation e = c.expect(new long[] {1, 0, 2, 0, 0, 1}, 1, 1);
    assertEquals(5, e.n());
    assertEquals(1, e.observed(), EPS);
    assertEquals(53.0 / 40, e.expected(), EPS);
    assertEquals(PHI * 2919.0 / 3200, e.noiseVariance(), 1e-12);
    double curveVariance = PHI * 1.325 * 1.325 * (1 - 0.265) / (0.265 * 40);
    assertEquals(curveVariance, e.baselineVariance(), 1e-12);
    assertEquals((1 - 1.325) / Math.sqrt(PHI * 2919.0 / 3200 + curveVariance), e.z(), 1e-12);
  }

  /** A cohort entirely at full age is judged by the mature rate alone. */
  @Test
  void fullAgeCohortUsesTheMatureRate() {
    ConversionCurve c = ConversionCurve.of(BASELINE);
    Expectation e = c.expect(new long[0], 100, 30);
    assertEquals(100, e.n());
    assertEquals(35, e.expected(), EPS);
    assertEquals(PHI * 100 * 0.35 * 0.65, e.noiseVariance(), 1e-9);
    // F̄ = 0.35: Var(E) = φ·35²·0.65/(0.35·40).
    assertEquals(PHI * 35 * 35 * 0.65 / (0.35 * 40), e.baselineVariance(), 1e-9);
  }

  /** Weeks with exactly the same rate give φ = 1 (the sum is 0; φ never falls below 1). */
  @Test
  void agreeingWeeksGiveNoOverdispersion() {
    ConversionCurve c =
        ConversionCurve.of(
            List.of(
                new ConversionCurve.Week(10, new long[] {1, 2}),
                new ConversionCurve.Week(10, new long[] {3}),
                new ConversionCurve.Week(20, new long[] {0, 0, 6})));
    assertEquals(1, c.overdispersion(), 0);
    assertEquals(0.3, c.matureRate(), EPS);
    Expectation e = c.expect(new long[0], 10, 3);
    assertEquals(10 * 0.3 * 0.7, e.noiseVariance(), 1e-12);
  }

  /**
   * Weeks that vary less than binomial noise give φ = 1, not below: 10, 10, 20 leads with 3, 4, 7
   * converted. A: F = 11/30, (3 − 110/30)² / (10·(11/30)(19/30)·4/3) = (4/9)/(836/270); B: F =
   * 10/30, (4 − 10/3)²/(10·(1/3)(2/3)·4/3); C: F = 7/20, (7 − 7)² = 0. The mean is below 1.
   */
  @Test
  void underdispersedWeeksGivePhiOne() {
    double a = (4.0 / 9) / (10 * (11.0 / 30) * (19.0 / 30) * (4.0 / 3));
    double b = (4.0 / 9) / (10 * (1.0 / 3) * (2.0 / 3) * (4.0 / 3));
    assertEquals(0.0978469, (a + b) / 3, 1e-6);
    ConversionCurve c =
        ConversionCurve.of(
            List.of(
                new ConversionCurve.Week(10, new long[] {3}),
                new ConversionCurve.Week(10, new long[] {4}),
                new ConversionCurve.Week(20, new long[] {7})));
    assertEquals(1, c.overdispersion(), 0);
  }

  /** An empty baseline expects nothing. */
  @Test
  void emptyBaseline() {
    ConversionCurve c = ConversionCurve.of(List.of());
    assertEquals(0, c.leads());
    assertEquals(0, c.matureRate(), 0);
    assertEquals(1, c.overdispersion(), 0);
    Expectation e = c.expect(new long[] {2}, 3, 1);
    assertEquals(5, e.n());
    assertEquals(0, e.expected(), 0);
    assertEquals(0, e.z(), 0);
  }

  /**
   * Seven weeks in groups of three: {A, B, C} and {D, E, F} are judged within their group, the lone
   * last week G is left out. A, B, C: 10 leads each, 5, 3 and 7 converted.
   *
   * <pre>
   * A: F = (3+7)/20 = 0.5, O − E = 5 − 5 = 0,  Var = 10·0.5·0.5·(1 + 10/20) = 3.75, E² = 25
   * B: F = (5+7)/20 = 0.6, O − E = 3 − 6 = −3, Var = 10·0.6·0.4·1.5       = 3.6,  E² = 36
   * C: F = (5+3)/20 = 0.4, O − E = 7 − 4 = 3,  Var = 3.6,                         E² = 16
   * </pre>
   *
   * D, E, F: 20 leads each, 10 converted, so each residual is 0 with F = 0.5, Var = 20·0.25·1.5.
   */
  @Test
  void residualsAreJudgedWithinGroupsOfTheBaselinesLength() {
    List<ConversionCurve.Week> weeks =
        List.of(
            new ConversionCurve.Week(10, new long[] {5}),
            new ConversionCurve.Week(10, new long[] {3}),
            new ConversionCurve.Week(10, new long[] {7}),
            new ConversionCurve.Week(20, new long[] {10}),
            new ConversionCurve.Week(20, new long[] {10}),
            new ConversionCurve.Week(20, new long[] {10}),
            new ConversionCurve.Week(10, new long[] {0}));
    List<ConversionCurve.Residual> r = ConversionCurve.groupedResiduals(weeks, 3);
    assertEquals(6, r.size());
    double[][] expected = {
      {0, 3.75, 25, 0}, {9, 3.6, 36, 0}, {9, 3.6, 16, 0},
      {0, 7.5, 100, 1}, {0, 7.5, 100, 1}, {0, 7.5, 100, 1}
    };
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i][0], r.get(i).squared(), EPS, "squared " + i);
      assertEquals(expected[i][1], r.get(i).variance(), EPS, "variance " + i);
      assertEquals(expected[i][2], r.get(i).expectedSquared(), EPS, "E² " + i);
      assertEquals((int) expected[i][3], r.get(i).block(), "group " + i);
    }
    // A last group of three or more is kept: eight weeks in groups of five give 5 + 3 residuals.
    List<ConversionCurve.Week> eight = new java.util.ArrayList<>(weeks);
    eight.add(new ConversionCurve.Week(10, new long[] {4}));
    assertEquals(8, ConversionCurve.groupedResiduals(eight, 5).size());
    // The weekly factors' degrees of freedom: each group's leave-one-out costs one week, 6 − 2.
    assertEquals(4, StageOverdispersion.weeklyDegreesOfFreedom(List.of(r)));
  }
}
