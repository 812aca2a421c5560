package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pooling expectations: noise adds, the shared baseline error adds in standard deviations. */
class ExpectationTest {
  private static final double EPS = 1e-12;

  @Test
  void zAndVariance() {
    Expectation e = new Expectation(10, 3, 4, 2, 0.25);
    assertEquals(2.25, e.variance(), EPS);
    assertEquals(-1 / 1.5, e.z(), EPS);
    assertEquals(0, new Expectation(0, 0, 0, 0, 0).z(), 0);
  }

  /**
   * (n 10, O 3, E 4, noise 2, baseline 0.25) and (n 20, O 5, E 6, noise 3, baseline 1): n = 30, O =
   * 8, E = 10, noise 5, baseline (0.5 + 1)² = 2.25, z = −2/√7.25.
   */
  @Test
  void poolAddsNoiseAndBaselineStandardDeviations() {
    Expectation p =
        Expectation.pool(
            List.of(new Expectation(10, 3, 4, 2, 0.25), new Expectation(20, 5, 6, 3, 1)));
    assertEquals(30, p.n());
    assertEquals(8, p.observed(), EPS);
    assertEquals(10, p.expected(), EPS);
    assertEquals(5, p.noiseVariance(), EPS);
    assertEquals(2.25, p.baselineVariance(), EPS);
    assertEquals(-2 / Math.sqrt(7.25), p.z(), EPS);
  }

  /**
   * z = (40 − 52)/√16 = −3: with 7 degrees of freedom P(T ≤ −3) = 0.00997106306599627, with 15.75
   * 0.00429790387453385 (mpmath: the regularized incomplete beta, checked by quadrature of the
   * density); infinite degrees of freedom give the normal 0.00134989803163009.
   */
  @Test
  void pValuesUseStudentsTWhenTheVarianceIsEstimated() {
    Expectation t7 = new Expectation(100, 40, 52, 12, 4, 7);
    assertEquals(0.00997106306599627, t7.pValue(ChangePoint.Tail.LOWER), 1e-12);
    assertEquals(1 - 0.00997106306599627, t7.pValue(ChangePoint.Tail.UPPER), 1e-12);
    assertEquals(3, t7.criticalValue(0.00997106306599627), 1e-6);
    assertEquals(
        0.00429790387453385, t7.withDegreesOfFreedom(15.75).pValue(ChangePoint.Tail.LOWER), 1e-12);
    Expectation normal = new Expectation(100, 40, 52, 12, 4);
    assertEquals(0.00134989803163009, normal.pValue(ChangePoint.Tail.LOWER), 1e-14);
    assertEquals(3, normal.criticalValue(0.00134989803163009), 1e-9);
  }

  /**
   * φ = 3 with the excess on 7 weeks: 7·(3/2)² = 15.75; nothing estimated at φ = 1. Above a million
   * degrees of freedom the reference is the normal.
   */
  @Test
  void satterthwaiteDegreesOfFreedomOfAnOverdispersedVariance() {
    assertEquals(15.75, Expectation.overdispersedDf(3, 7), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, Expectation.overdispersedDf(1, 7), 0);
    assertEquals(
        Double.POSITIVE_INFINITY, Expectation.overdispersedDf(3, Double.POSITIVE_INFINITY), 0);
    Expectation huge = new Expectation(100, 40, 52, 12, 4, 2e12);
    assertEquals(0.00134989803163009, huge.pValue(ChangePoint.Tail.LOWER), 1e-14);
  }

  /** A pool keeps the fewest degrees of freedom of its groups with leads. */
  @Test
  void poolKeepsTheFewestDegreesOfFreedom() {
    Expectation p =
        Expectation.pool(
            List.of(
                new Expectation(10, 3, 4, 2, 0.25, 12),
                new Expectation(20, 5, 6, 3, 1, 9),
                new Expectation(0, 0, 0, 0, 0, 2)));
    assertEquals(9, p.degreesOfFreedom(), 0);
  }

  /**
   * A cell whose weeks vary three times more than binomially (φ = 3), φ̂ = max(1, mean z²) from 8
   * baseline weeks, a ninth null week judged at one-sided 0.5%: {@link
   * Expectation#overdispersedDf}'s compromise flags 511 of 40,000 (1.28%), the normal reference 624
   * (1.56%); exact t₈ would keep about 0.4%. Pins the compromise: fails when the degrees of freedom
   * are ignored (the two counts equal).
   */
  @Test
  void ownOverdispersionKeepsItsWeeksDegreesOfFreedom() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    int trials = 40_000;
    int below = 0;
    int belowNormal = 0;
    double phi = 3;
    for (int i = 0; i < trials; i++) {
      double sum = 0;
      for (int w = 0; w < 8; w++) {
        double z = Math.sqrt(phi) * gaussian(random);
        sum += z * z;
      }
      double estimate = Math.max(1, sum / 8);
      double diff = Math.sqrt(phi) * gaussian(random);
      Expectation e =
          new Expectation(
              100, 50 + diff, 50, estimate, 0, Expectation.overdispersedDf(estimate, 8));
      below += e.pValue(ChangePoint.Tail.LOWER) < 0.005 ? 1 : 0;
      belowNormal += ChangePoint.oneSided(e.z(), ChangePoint.Tail.LOWER) < 0.005 ? 1 : 0;
    }
    String figures = below + " and " + belowNormal + " of " + trials;
    assertTrue(below <= 0.9 * belowNormal, figures);
    assertTrue((double) belowNormal / trials > 0.012, figures);
  }

  private static double gaussian(java.util.SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
