package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Geometric duration bins and the binned Kaplan–Meier median. */
class DurationBinsTest {
  @Test
  void binEdges() {
    assertEquals(0, DurationBins.bin(0));
    assertEquals(0, DurationBins.bin(0.999));
    assertEquals(0, DurationBins.bin(-5));
    assertEquals(0, DurationBins.bin(Double.NaN));
    assertEquals(1, DurationBins.bin(1));
    assertEquals(1, DurationBins.bin(1.07));
    assertEquals(2, DurationBins.bin(1.09));
    // ln 100 / ln 1.08 = 59.84: bin 60 = [1.08^59, 1.08^60) = [93.8, 101.3) hours.
    assertEquals(60, DurationBins.bin(100));
    assertEquals(0, DurationBins.lower(0), 0);
    assertEquals(1, DurationBins.upper(0), 1e-12);
    assertEquals(Math.pow(1.08, 59), DurationBins.lower(60), 1e-9);
    assertEquals(Math.pow(1.08, 60), DurationBins.upper(60), 1e-9);
  }

  /** Every duration lies inside its bin. */
  @Test
  void durationsLieInsideTheirBins() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      double hours = Math.exp(random.nextDouble(-3, 9));
      int b = DurationBins.bin(hours);
      assertTrue(DurationBins.lower(b) <= hours && hours < DurationBins.upper(b), "" + hours);
    }
  }

  /**
   * Exits 3, 2, 1 and censorings 1, 2, 1 of 10 visits: S = 1 − 3/10 = 0.7 after bin 0; 6 at risk in
   * bin 1, S = 0.7·(1 − 2/6) = 0.467 ≤ 0.5: the median is the upper edge of bin 1, 1.08 hours.
   */
  @Test
  void kaplanMeierMedian() {
    assertEquals(1.08, BinnedSurvival.median(new long[] {3, 2, 1}, new long[] {1, 2, 1}, 3), 1e-12);
    // Cut before bin 1: survival stays at 0.7.
    assertNull(BinnedSurvival.median(new long[] {3, 2, 1}, new long[] {1, 2, 1}, 1));
    // Exactly one half counts: 5 of 10 exit in bin 0.
    assertEquals(1, BinnedSurvival.median(new long[] {5}, new long[] {5}, 1), 1e-12);
    // Censorings of bin 0 leave the risk set after its exits: 2 of 4 exit in bin 0 (S = 0.5).
    assertEquals(1, BinnedSurvival.median(new long[] {2}, new long[] {2}, 1), 1e-12);
    // Heavy censoring: 1 of 10 exits in bin 0 (S = 0.9), 8 censored; bin 1 has 1 at risk, exits.
    assertEquals(1.08, BinnedSurvival.median(new long[] {1, 1}, new long[] {8}, 2), 1e-12);
  }
}
