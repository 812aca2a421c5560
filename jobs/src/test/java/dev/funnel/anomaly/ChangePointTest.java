package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The suffix scan and its correction for the suffixes tried (Hunter's bound) on hand-made weeks;
 * the bivariate normal probabilities checked against Owen's T function, an independent formula.
 */
class ChangePointTest {
  private static final double EPS = 1e-12;

  /**
   * Weeks oldest first (n, O, E, noise variance): w0 (100, 50, 50, 25), w1 (100, 40, 50, 25), w2
   * (100, 42, 50, 25), w3 empty, w4 (100, 48, 50, 25). Suffixes, the empty week skipped:
   *
   * <pre>
   * from w4: O − E =  −2, V =  25, z = −0.4
   * from w2: O − E = −10, V =  50, z = −1.41421
   * from w1: O − E = −20, V =  75, z = −2.30940   ← most extreme
   * from w0: O − E = −20, V = 100, z = −2.0
   * </pre>
   *
   * Φ(−2.3094011) = 0.010460668 (Python: 0.5·erfc(2.3094011/√2)); 4 suffixes tried (Bonferroni
   * would give 0.041842671). Nested suffixes, shortest first, have correlations √(25/50), √(50/75),
   * √(75/100); Hunter's bound is 4p − Σ P(Z_i ≥ c, Z_{i+1} ≥ c) at c = 2.3094011, with the three
   * joint probabilities 0.00289005198, 0.00420512267, 0.00501332776 from Owen's T (P = Q(c) −
   * 2·T(c, √((1−ρ)/(1+ρ))), T by Simpson's rule in Python): 0.0297341683.
   */
  private static final List<Expectation> WEEKS =
      List.of(
          new Expectation(100, 50, 50, 25, 0),
          new Expectation(100, 40, 50, 25, 0),
          new Expectation(100, 42, 50, 25, 0),
          new Expectation(0, 0, 0, 0, 0),
          new Expectation(100, 48, 50, 25, 0));

  @Test
  void bestLowerSuffixWithHuntersBound() {
    ChangePoint.Result r = ChangePoint.scan(WEEKS, ChangePoint.Tail.LOWER);
    assertEquals(1, r.start());
    assertEquals(4, r.suffixes());
    assertEquals(300, r.pooled().n());
    assertEquals(130, r.pooled().observed(), EPS);
    assertEquals(150, r.pooled().expected(), EPS);
    assertEquals(75, r.pooled().variance(), EPS);
    assertEquals(-20 / Math.sqrt(75), r.pooled().z(), EPS);
    assertEquals(0.010460667668897024, r.pValue(), 1e-12);
    assertEquals(0.029734168270778107, r.adjustedP(), 1e-9);
  }

  /**
   * Joint upper tails P(X ≥ c, Y ≥ c): closed forms, and {@code ∫_c^∞ φ(x)·Q((c − ρx)/√(1−ρ²)) dx}
   * integrated by mpmath's quad at 30 digits (a different formula from the code's Owen's T).
   */
  @Test
  void upperOrthantMatchesIndependentValues() {
    // c = 0: 1/4 + arcsin(ρ)/(2π) = 1/3 at ρ = 0.5.
    assertEquals(1.0 / 3, ChangePoint.upperOrthant(0, 0.5), 1e-10);
    // Independent: Q(1.5)² = 0.0044632021413777; identical: Q(1.5) = 0.0668072012688581.
    assertEquals(0.004463202141377714, ChangePoint.upperOrthant(1.5, 0), 1e-15);
    assertEquals(0.0668072012688581, ChangePoint.upperOrthant(1.5, 1), 1e-13);
    double c = 20 / Math.sqrt(75);
    assertEquals(0.002890051976480932, ChangePoint.upperOrthant(c, Math.sqrt(0.5)), 1e-11);
    assertEquals(0.00420512266956997, ChangePoint.upperOrthant(c, Math.sqrt(50.0 / 75)), 1e-11);
    assertEquals(0.005013327758759089, ChangePoint.upperOrthant(c, Math.sqrt(0.75)), 1e-11);
    // Deep tails, to relative accuracy 1e-6.
    assertEquals(1, ChangePoint.upperOrthant(3.719, 0.9) / 3.644904695050845e-05, 1e-6);
    assertEquals(1, ChangePoint.upperOrthant(4.0, 0.3) / 6.773600595342649e-08, 1e-6);
    assertEquals(1, ChangePoint.upperOrthant(4.5, 0.99) / 2.5101899430338340e-06, 1e-6);
    assertEquals(1, ChangePoint.upperOrthant(3.8, 0.97) / 4.4757535180209115e-05, 1e-6);
  }

  /** Between p (identical tests) and Bonferroni (independent ones). */
  @Test
  void familyPLiesBetweenTheSmallestPAndBonferroni() {
    // Independent tests: 3p − 2p², the pairs' joint probability being p².
    assertEquals(0.003 - 2e-6, ChangePoint.familyP(0.001, new double[] {0, 0}), 1e-12);
    assertEquals(0.001, ChangePoint.familyP(0.001, new double[] {1, 1}), 1e-12);
    double mid = ChangePoint.familyP(0.001, new double[] {0.9, 0.9});
    assertTrue(mid > 0.001 && mid < 0.003, "familyP " + mid);
    assertEquals(0.04, ChangePoint.familyP(0.04, new double[] {}), 0);
    // Two independent tests at p = 0.6: 1 − 0.4² = 0.84, exactly.
    assertEquals(0.84, ChangePoint.familyP(0.6, new double[] {0}), 1e-9);
  }

  /**
   * The per-test level inverts the correction: independent pairs, 2p − p² = 0.05 at p = 1 − √0.95 =
   * 0.0253206; correlated ones need less than Bonferroni's 0.05/3 less strictly.
   */
  @Test
  void perTestLevelInvertsTheCorrection() {
    assertEquals(1 - Math.sqrt(0.95), ChangePoint.perTestLevel(0.05, new double[] {0}), 1e-7);
    double[] rho = {0.7, 0.9};
    double level = ChangePoint.perTestLevel(1e-4, rho);
    assertEquals(1e-4, ChangePoint.familyP(level, rho), 1e-9);
    assertTrue(level > 1e-4 / 3 && level < 1e-4, "level " + level);
    assertEquals(0.01, ChangePoint.perTestLevel(0.01, new double[] {}), 0);
  }

  /**
   * Suffixes share noise through their inner weeks and baseline error in full: inner (noise 16,
   * baseline 9), outer (noise 32, baseline 36): Cov = 16 + 3·6 = 34, ρ = 34/√(25·68) = 0.824621.
   */
  @Test
  void nestedCorrelationCountsSharedNoiseAndBaseline() {
    assertEquals(
        34 / Math.sqrt(25 * 68),
        ChangePoint.nestedCorrelation(
            new Expectation(100, 0, 0, 16, 9), new Expectation(200, 0, 0, 32, 36)),
        1e-12);
  }

  /**
   * Under the null (ten weeks of independent standard normal differences, no change), the corrected
   * p-value of the best suffix is at most α = 0.05 no more often than α says, yet clearly more
   * often than Bonferroni's: the test fails if the bound subtracts too much (for example with ρ =
   * 1) or if the correction falls back to Bonferroni.
   */
  @Test
  void correctedSuffixPValueIsValidAndSharperThanBonferroni() {
    SplittableRandom random = new SplittableRandom(20261201L);
    int runs = 4000;
    int hunter = 0;
    int bonferroni = 0;
    for (int run = 0; run < runs; run++) {
      List<Expectation> weeks = new ArrayList<>();
      for (int w = 0; w < 10; w++) {
        double u = 1 - random.nextDouble();
        double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        weeks.add(new Expectation(100, 50 + 5 * z, 50, 25, 0));
      }
      ChangePoint.Result r = ChangePoint.scan(weeks, ChangePoint.Tail.LOWER);
      hunter += r.adjustedP() <= 0.05 ? 1 : 0;
      bonferroni += Math.min(1, 10 * r.pValue()) <= 0.05 ? 1 : 0;
    }
    double hunterRate = (double) hunter / runs;
    double bonferroniRate = (double) bonferroni / runs;
    String figures = "hunter " + hunterRate + ", bonferroni " + bonferroniRate;
    // 3 standard errors of a 5% rate over 4,000 runs: 0.0103.
    assertTrue(hunterRate <= 0.05 + 0.0103, figures);
    assertTrue(hunterRate >= 1.3 * bonferroniRate, figures);
  }

  /**
   * Upper tail: the least negative suffix (from w4, z = −0.4, p = 0.6554); Hunter's bound 4p − Σ
   * P(Z_i ≥ −0.4, Z_{i+1} ≥ −0.4) with joint probabilities Φ(0.4) − 2·T(0.4, √((1−ρ)/(1+ρ))) =
   * 0.5405359, 0.5652332, 0.5786397 (Owen's T, Python): 0.93727821, below 1.
   */
  @Test
  void upperTailUsesTheSameBound() {
    ChangePoint.Result r = ChangePoint.scan(WEEKS, ChangePoint.Tail.UPPER);
    assertEquals(4, r.start());
    assertEquals(0.6554217416103242, r.pValue(), 1e-12);
    assertEquals(0.9372782116678087, r.adjustedP(), 1e-9);
    assertEquals(4, r.suffixes());
  }

  /** One week alone: no factor. */
  @Test
  void singleWeekHasNoPenalty() {
    ChangePoint.Result r =
        ChangePoint.scan(List.of(new Expectation(100, 40, 50, 25, 0)), ChangePoint.Tail.LOWER);
    assertEquals(0, r.start());
    assertEquals(1, r.suffixes());
    // z = −2: Φ(−2) = 0.022750131948179
    assertEquals(0.022750131948179, r.pValue(), 1e-12);
    assertEquals(r.pValue(), r.adjustedP(), 0);
  }

  /** The shared baseline error does not shrink when weeks are pooled. */
  @Test
  void pooledSuffixesCarryTheBaselineErrorInFull() {
    List<Expectation> weeks = new ArrayList<>();
    weeks.add(new Expectation(100, 45, 50, 16, 9));
    weeks.add(new Expectation(100, 45, 50, 16, 9));
    ChangePoint.Result r = ChangePoint.scan(weeks, ChangePoint.Tail.LOWER);
    // One week: z = −5/√25 = −1. Both: −10/√(32 + (3 + 3)²) = −10/√68 = −1.2127: the best.
    assertEquals(0, r.start());
    assertEquals(68, r.pooled().variance(), EPS);
    assertEquals(2, r.suffixes());
  }

  @Test
  void noLeadsNoTest() {
    assertNull(ChangePoint.scan(List.of(), ChangePoint.Tail.LOWER));
    assertNull(ChangePoint.scan(List.of(new Expectation(0, 0, 0, 0, 0)), ChangePoint.Tail.LOWER));
  }
}
