package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The false discovery rate over many seeds. Under the global null with independent uniform
 * p-values, BH's chance of any discovery is exactly α; with some true effects its expected false
 * discovery proportion is exactly α·m0/m (Benjamini and Hochberg 1995). Tolerances are four
 * binomial (or sample) standard errors over the seeds.
 */
class FdrPropertyTest {
  private static final double ALPHA = 0.05;
  private static final int M = 100;
  private static final int SEEDS = 4000;

  @Test
  void globalNullGivesAnyDiscoveryAboutAlpha() {
    SplittableRandom random = new SplittableRandom(20261201);
    int withDiscovery = 0;
    int unadjusted = 0;
    for (int s = 0; s < SEEDS; s++) {
      double[] p = new double[M];
      for (int i = 0; i < M; i++) {
        p[i] = random.nextDouble();
      }
      double[] q = BenjaminiHochberg.qValues(p);
      boolean any = false;
      boolean anyRaw = false;
      for (int i = 0; i < M; i++) {
        any |= q[i] <= ALPHA;
        anyRaw |= p[i] <= ALPHA;
      }
      withDiscovery += any ? 1 : 0;
      unadjusted += anyRaw ? 1 : 0;
    }
    double rate = (double) withDiscovery / SEEDS;
    double sd = Math.sqrt(ALPHA * (1 - ALPHA) / SEEDS); // 0.0034
    assertEquals(ALPHA, rate, 4 * sd, "share of null seeds with a discovery");
    // Without the correction nearly every seed has one: 1 − 0.95^100 = 0.994.
    assertEquals(1 - Math.pow(1 - ALPHA, M), (double) unadjusted / SEEDS, 0.01);
  }

  /**
   * 80 null p-values (uniform) and 20 true effects (p = U^12, mostly tiny): the mean false
   * discovery proportion is α·80/100 = 0.04; taking p ≤ α instead would give about 4 false of 4 +
   * 15.6 (P(U^12 ≤ 0.05) = 0.78).
   */
  @Test
  void falseDiscoveryProportionAveragesAtMostAlpha() {
    int m0 = 80;
    SplittableRandom random = new SplittableRandom(7);
    double sumFdp = 0;
    double sumSquares = 0;
    double sumRawFdp = 0;
    double discoveries = 0;
    for (int s = 0; s < SEEDS; s++) {
      double[] p = new double[M];
      for (int i = 0; i < M; i++) {
        double u = random.nextDouble();
        p[i] = i < m0 ? u : Math.pow(u, 12);
      }
      double[] q = BenjaminiHochberg.qValues(p);
      double threshold = BenjaminiHochberg.threshold(p, ALPHA);
      int rejected = 0;
      int falseRejected = 0;
      int raw = 0;
      int falseRaw = 0;
      for (int i = 0; i < M; i++) {
        boolean discovery = q[i] <= ALPHA;
        // The threshold is the same cut: p ≤ threshold exactly when q ≤ α.
        assertEquals(discovery, p[i] <= threshold, "seed " + s + " p " + p[i]);
        if (discovery) {
          rejected++;
          falseRejected += i < m0 ? 1 : 0;
        }
        if (p[i] <= ALPHA) {
          raw++;
          falseRaw += i < m0 ? 1 : 0;
        }
      }
      double fdp = rejected == 0 ? 0 : (double) falseRejected / rejected;
      sumFdp += fdp;
      sumSquares += fdp * fdp;
      sumRawFdp += raw == 0 ? 0 : (double) falseRaw / raw;
      discoveries += rejected;
    }
    double mean = sumFdp / SEEDS;
    double se = Math.sqrt((sumSquares / SEEDS - mean * mean) / SEEDS);
    assertEquals(ALPHA * m0 / M, mean, 4 * se + 1e-3, "mean false discovery proportion");
    assertTrue(mean <= ALPHA, "FDR " + mean);
    // Power is there: most of the 20 effects are found.
    assertTrue(discoveries / SEEDS > 12, "mean discoveries " + discoveries / SEEDS);
    // Unadjusted p ≤ α: far above α.
    assertTrue(sumRawFdp / SEEDS > 0.12, "unadjusted FDP " + sumRawFdp / SEEDS);
  }
}
