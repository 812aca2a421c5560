package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The stage-wide overdispersion: hand-worked τ², limma's prior against values computed with mpmath
 * (Python, 30 digits: digamma, trigamma, findroot), and a null simulation in which every cell's
 * judged weeks are as rare below the 5% limit as they should be, the large cell included.
 */
class StageOverdispersionTest {

  private static double[] phi(List<List<ConversionCurve.Residual>> cells, double minimumShared) {
    return StageOverdispersion.estimate(cells, minimumShared, 7, 1).stream()
        .mapToDouble(StageOverdispersion.Estimate::phi)
        .toArray();
  }

  private static ConversionCurve.Residual r(double squared, double variance, double e2) {
    return new ConversionCurve.Residual(squared, variance, e2);
  }

  /** τ² = ((30 − 10) + (10 − 10) + (5 − 5)) / (400 + 400 + 100) = 20/900. */
  @Test
  void sharedRelativeVarianceIsTheMomentEstimate() {
    List<List<ConversionCurve.Residual>> cells =
        List.of(List.of(r(30, 10, 400), r(10, 10, 400)), List.of(r(5, 5, 100)));
    assertEquals(20.0 / 900, StageOverdispersion.sharedRelativeVariance(cells), 1e-15);
    // Less spread than binomial: no negative variance.
    assertEquals(0, StageOverdispersion.sharedRelativeVariance(List.of(List.of(r(1, 10, 400)))), 0);
  }

  /**
   * u = (0.8, 1.3, 2.9, 0.5, 1.1) on (8, 8, 6, 8, 4) weeks: var(e) − mean ψ′(d/2) = 0.069654953, d0
   * = 29.701362724, s0² = 1.264297828, moderated (1.165776651, 1.271873612, 1.539195263,
   * 1.102118475, 1.244797391) (mpmath).
   */
  @Test
  void priorMatchesLimmaComputedIndependently() {
    double[] u = {0.8, 1.3, 2.9, 0.5, 1.1};
    int[] df = {8, 8, 6, 8, 4};
    StageOverdispersion.Prior p = StageOverdispersion.prior(u, df);
    assertEquals(29.7013627240524374, p.df(), 1e-7);
    assertEquals(1.26429782837588415, p.scale(), 1e-9);
    assertEquals(2.45995294835230741, StageOverdispersion.trigammaInverse(0.5), 1e-10);
    // Homogeneous cells: var(e) − ψ′(4) = −0.2764 < 0, d0 infinite, scale exp(mean e) = 1.150115.
    StageOverdispersion.Prior h =
        StageOverdispersion.prior(new double[] {0.9, 1.1, 1.0, 1.05}, new int[] {8, 8, 8, 8});
    assertTrue(Double.isInfinite(h.df()));
    // Commons Math's digamma is good to about 1e-8 here.
    assertEquals(1.15011466921729054, h.scale(), 1e-8);
    assertNull(StageOverdispersion.prior(new double[] {1, 2}, new int[] {8, 8}));
  }

  /**
   * The moderated φ of five cells without shared variation (E² = 0, so τ² does not enter and the
   * inflation is 1): each cell's u built from residuals with Var = 1, then φ = max(1, ũ).
   */
  @Test
  void moderatedPhiOfFiveCells() {
    double[] u = {0.8, 1.3, 2.9, 0.5, 1.1};
    int[] df = {8, 8, 6, 8, 4};
    double[] expected = {
      1.16577665145732682,
      1.27187361217668324,
      1.53919526312093774,
      1.10211847502571295,
      1.24479739099343661
    };
    List<List<ConversionCurve.Residual>> cells = new ArrayList<>();
    for (int c = 0; c < u.length; c++) {
      List<ConversionCurve.Residual> cell = new ArrayList<>();
      for (int w = 0; w < df[c]; w++) {
        cell.add(r(u[c], 1, 0));
      }
      cells.add(cell);
    }
    double[] phi = phi(cells, 0);
    for (int c = 0; c < u.length; c++) {
      assertEquals(expected[c], phi[c], 1e-9, "cell " + c);
    }
  }

  /**
   * The funnel's shared variation is a floor. Three cells of four weeks with (O − E)² = Var = 1,
   * two with E² = 1 and one with E² = 100: alone their τ² is 0, every u is 1 and φ = s0² =
   * 2·e^{−ψ(2)} = 1.3104399 for all. With the funnel's τ² = 0.01: u = 1/1.01, 1/1.01, 1/2,
   * inflation 1.01, 1.01, 2, an infinite d0 and s0² = 1.0332201, so φ = 1.0435523, 1.0435523,
   * 2.0664402 (mpmath): the large cell widens.
   */
  @Test
  void theFunnelsSharedVariationIsAFloor() {
    List<List<ConversionCurve.Residual>> cells = new ArrayList<>();
    for (double e2 : new double[] {1, 1, 100}) {
      cells.add(List.of(r(1, 1, e2), r(1, 1, e2), r(1, 1, e2), r(1, 1, e2)));
    }
    double[] alone = phi(cells, 0);
    double[] floored = phi(cells, 0.01);
    for (int c = 0; c < 3; c++) {
      assertEquals(1.31043985163220714, alone[c], 1e-8);
    }
    assertEquals(1.04355229599020350, floored[0], 1e-8);
    assertEquals(1.04355229599020350, floored[1], 1e-8);
    assertEquals(2.06644019007961089, floored[2], 1e-8);
  }

  /** Two cells: no spread to fit, each keeps its own max(1, mean (O − E)²/Var). */
  @Test
  void fewCellsKeepTheirOwnPhi() {
    double[] phi = phi(List.of(List.of(r(30, 10, 400), r(10, 10, 400)), List.of(r(2, 5, 100))), 0);
    assertEquals(2, phi[0], 1e-15);
    assertEquals(1, phi[1], 0);
  }

  /**
   * A stage of 12 cells (one of 2,000 leads a week, the rest 40 to 150) sharing a weekly factor of
   * 6% relative, plus one cell whose weeks vary on their own (φ = 4): 8 baseline weeks give
   * residuals, then a ninth null week per cell is judged at the one-sided 5% limit with that cell's
   * φ. Over 3,000 stages, every cell's rate stays near 5%. It fails without τ² (the large cell,
   * true φ ≈ 8, would be judged with a φ near the small cells'), and without moderation's finite d0
   * (the idiosyncratic cell would be shrunk to the others).
   */
  @Test
  void nullWeeksAreRareInEveryCell() {
    int[] n = {2000, 150, 120, 100, 90, 80, 70, 60, 50, 45, 40, 100};
    double p = 0.4;
    double tau = 0.06;
    int idiosyncratic = 11;
    double ownPhi = 4;
    int stages = 3000;
    int[] below = new int[n.length];
    double sumPhiSmall = 0;
    double sumSquaresSmall = 0;
    double sumOwn = 0;
    double sumSquaresOwn = 0;
    SplittableRandom random = new SplittableRandom(7);
    double z95 = -1.6448536269514722;
    for (int s = 0; s < stages; s++) {
      List<List<ConversionCurve.Residual>> cells = new ArrayList<>();
      double[][] diffs = new double[9][];
      for (int w = 0; w < 9; w++) {
        double shared = tau * gaussian(random);
        diffs[w] = new double[n.length];
        for (int c = 0; c < n.length; c++) {
          double e = n[c] * p;
          double v = n[c] * p * (1 - p);
          double extra = c == idiosyncratic ? Math.sqrt((ownPhi - 1) * v) * gaussian(random) : 0;
          diffs[w][c] = e * shared + Math.sqrt(v) * gaussian(random) + extra;
        }
      }
      for (int c = 0; c < n.length; c++) {
        List<ConversionCurve.Residual> cell = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          double e = n[c] * p;
          cell.add(r(diffs[w][c] * diffs[w][c], n[c] * p * (1 - p), e * e));
        }
        cells.add(cell);
      }
      double[] phi = phi(cells, 0);
      for (int c = 0; c < n.length; c++) {
        double z = diffs[8][c] / Math.sqrt(phi[c] * n[c] * p * (1 - p));
        below[c] += z < z95 ? 1 : 0;
      }
      sumPhiSmall += phi[5];
      sumSquaresSmall += phi[5] * phi[5];
      double own = StageOverdispersion.own(cells.get(5));
      sumOwn += own;
      sumSquaresOwn += own * own;
    }
    StringBuilder figures = new StringBuilder();
    for (int c = 0; c < n.length; c++) {
      figures.append(n[c]).append(": ").append((double) below[c] / stages).append("; ");
    }
    for (int c = 0; c < n.length; c++) {
      // 5% with φ estimated (measured 3.8% to 5.8%): at most 6.5%. The cell that varies on its
      // own is judged with its own u when it stands out (measured 8.1%; shrunk to the others
      // without that rule, 12.3%).
      double limit = c == idiosyncratic ? 0.09 : 0.065;
      assertTrue((double) below[c] / stages <= limit, figures.toString());
    }
    double mean = sumPhiSmall / stages;
    double sd = Math.sqrt(sumSquaresSmall / stages - mean * mean);
    double ownMean = sumOwn / stages;
    double ownSd = Math.sqrt(sumSquaresOwn / stages - ownMean * ownMean);
    figures.append(
        String.format(" phi of 80 leads: %.3f ± %.3f, own %.3f ± %.3f", mean, sd, ownMean, ownSd));
    // A cell of 80 leads (true φ = 1 + 80·0.0036·0.4/0.6 = 1.192): its φ is less noisy than its
    // own 8-week estimate (measured 1.319 ± 0.291 against 1.331 ± 0.469; the shared part is
    // still estimated from 8 weekly factors).
    assertTrue(sd < 0.75 * ownSd, figures.toString());
  }

  /**
   * The same stage, each cell's ninth null week judged at the one-sided 0.5% level. The large
   * cell's variance is almost all shared variation estimated from 8 weekly factors, so a normal
   * reference flags it far too often at strict levels (the estimate's own error makes the tails
   * heavier); Student's t with the estimate's Satterthwaite degrees of freedom keeps it near 0.5%,
   * and the small cells, nearly binomial, keep nearly normal tails. Fails when the p-values ignore
   * the degrees of freedom.
   */
  @Test
  void strictLimitsHoldWithTheEstimatesDegreesOfFreedom() {
    int[] n = {2000, 150, 120, 100, 90, 80, 70, 60, 50, 45, 40};
    double p = 0.4;
    double tau = 0.06;
    int stages = 20000;
    double level = 0.005;
    int[] belowT = new int[n.length];
    int[] belowNormal = new int[n.length];
    SplittableRandom random = new SplittableRandom(11);
    for (int s = 0; s < stages; s++) {
      double[][] diffs = new double[9][n.length];
      for (int w = 0; w < 9; w++) {
        double shared = tau * gaussian(random);
        for (int c = 0; c < n.length; c++) {
          double v = n[c] * p * (1 - p);
          diffs[w][c] = n[c] * p * shared + Math.sqrt(v) * gaussian(random);
        }
      }
      List<List<ConversionCurve.Residual>> cells = new ArrayList<>();
      for (int c = 0; c < n.length; c++) {
        List<ConversionCurve.Residual> cell = new ArrayList<>();
        double e = n[c] * p;
        for (int w = 0; w < 8; w++) {
          cell.add(r(diffs[w][c] * diffs[w][c], n[c] * p * (1 - p), e * e));
        }
        cells.add(cell);
      }
      List<StageOverdispersion.Estimate> estimates =
          StageOverdispersion.estimate(cells, 0, Double.POSITIVE_INFINITY, 1);
      for (int c = 0; c < n.length; c++) {
        StageOverdispersion.Estimate est = estimates.get(c);
        double v = est.phi() * n[c] * p * (1 - p);
        double e = n[c] * p;
        Expectation x = new Expectation(n[c], e + diffs[8][c], e, v, 0, est.df());
        belowT[c] += x.pValue(ChangePoint.Tail.LOWER) < level ? 1 : 0;
        belowNormal[c] += ChangePoint.oneSided(x.z(), ChangePoint.Tail.LOWER) < level ? 1 : 0;
      }
    }
    StringBuilder figures = new StringBuilder();
    for (int c = 0; c < n.length; c++) {
      figures.append(
          String.format(
              java.util.Locale.ROOT,
              "%d: t %.4f normal %.4f; ",
              n[c],
              (double) belowT[c] / stages,
              (double) belowNormal[c] / stages));
    }
    // Measured: the large cell 0.33% with t against 1.45% with the normal reference; the small
    // cells 0.36% to 0.57% with t (normal 0.38% to 0.61%).
    assertTrue((double) belowNormal[0] / stages > 0.01, figures.toString());
    assertTrue((double) belowT[0] / stages < 0.0075, figures.toString());
    for (int c = 1; c < n.length; c++) {
      double rate = (double) belowT[c] / stages;
      assertTrue(rate > 0.0025 && rate < 0.0075, figures.toString());
    }
  }

  /**
   * The moment example's τ² on 7 weekly degrees of freedom, with its binomial terms worked by hand;
   * one cell reduces to the share of its residual variance that τ² explains; the weeks of the
   * longest cell less one are the weekly ones.
   */
  @Test
  void sharedVariationsDegreesOfFreedom() {
    List<List<ConversionCurve.Residual>> cells =
        List.of(List.of(r(30, 10, 400), r(10, 10, 400)), List.of(r(5, 5, 100)));
    // τ² = 1/45: ΣE² = 900, ΣE²Var = 400·10·2 + 100·5 = 8,500, ΣVar² = 100 + 100 + 25 = 225, so
    // the binomial terms are 2·8500·45/810000 + 225·2025/810000 = 0.94444 + 0.5625 = 1.50694 and
    // df = 1/(1/7 + 1.50694) = 0.60616 (one breakdown), 1/(1/7 + 3·1.50694) = 0.21432 (three).
    assertEquals(
        1 / (1.0 / 7 + 0.94444444444444444 + 0.5625),
        StageOverdispersion.sharedDegreesOfFreedom(cells, 7, 1),
        1e-12);
    assertEquals(
        1 / (1.0 / 7 + 3 * (2.0 * 8500 * 45 / 810000 + 225.0 * 2025 / 810000)),
        StageOverdispersion.sharedDegreesOfFreedom(cells, 7, 3),
        1e-12);
    // One cell of B weeks: B·(τ²/(τ² + Var/E²))², the residual variance's own share.
    List<List<ConversionCurve.Residual>> one =
        List.of(List.of(r(30, 10, 400), r(10, 10, 400), r(29, 10, 400)));
    double tau2 = 39.0 / 1200;
    double share = tau2 / (tau2 + 10.0 / 400);
    assertEquals(3 * share * share, StageOverdispersion.sharedDegreesOfFreedom(one, 3, 1), 1e-12);
    assertEquals(1, StageOverdispersion.weeklyDegreesOfFreedom(cells));
    assertEquals(
        Double.POSITIVE_INFINITY,
        StageOverdispersion.sharedDegreesOfFreedom(List.of(List.of(r(1, 10, 400))), 7, 1),
        0);
    // The floor example: the funnel's τ² and its degrees of freedom are the cells' own.
    List<List<ConversionCurve.Residual>> floorCells = new ArrayList<>();
    for (double e2 : new double[] {1, 1, 100}) {
      floorCells.add(List.of(r(1, 1, e2), r(1, 1, e2), r(1, 1, e2), r(1, 1, e2)));
    }
    List<StageOverdispersion.Estimate> floored =
        StageOverdispersion.estimate(floorCells, 0.01, 21, 1);
    List<StageOverdispersion.Estimate> alone = StageOverdispersion.estimate(floorCells, 0, 21, 1);
    // φ = ũ(1 + k) with ũ known (infinite d0): df = 21·((1 + k)/k)², k = 0.01, 0.01, 1.
    assertEquals(21 * 101.0 * 101.0, floored.get(0).df(), 1e-6);
    assertEquals(21 * 101.0 * 101.0, floored.get(1).df(), 1e-6);
    assertEquals(84, floored.get(2).df(), 1e-9);
    for (int c = 0; c < 3; c++) {
      // No shared variation and an infinite d0: nothing is estimated beyond the prior's scale.
      assertEquals(Double.POSITIVE_INFINITY, alone.get(c).df(), 0);
    }
    // Five cells without shared variation, a finite d0 = 29.70136: ũ's d0 + d for each.
    double[] u = {0.8, 1.3, 2.9, 0.5, 1.1};
    int[] df = {8, 8, 6, 8, 4};
    List<List<ConversionCurve.Residual>> five = new ArrayList<>();
    for (int c = 0; c < u.length; c++) {
      List<ConversionCurve.Residual> cell = new ArrayList<>();
      for (int w = 0; w < df[c]; w++) {
        cell.add(r(u[c], 1, 0));
      }
      five.add(cell);
    }
    List<StageOverdispersion.Estimate> moderated = StageOverdispersion.estimate(five, 0, 21, 1);
    for (int c = 0; c < u.length; c++) {
      assertEquals(29.7013627240524374 + df[c], moderated.get(c).df(), 1e-7);
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
