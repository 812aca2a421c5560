package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Benjamini–Hochberg q-values and threshold against values worked by hand. */
class BenjaminiHochbergTest {
  private static final double EPS = 1e-12;

  /**
   * p = 0.01, 0.04, 0.03, 0.005 (m = 4). Sorted: 0.005, 0.01, 0.03, 0.04; m·p/j = 0.02, 0.02, 0.04,
   * 0.04; the running minimum from the top gives 0.02, 0.02, 0.04, 0.04; back in input order.
   */
  @Test
  void textbookQValues() {
    double[] q = BenjaminiHochberg.qValues(new double[] {0.01, 0.04, 0.03, 0.005});
    assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, q, EPS);
  }

  /**
   * The step-up: p = 0.02, 0.025, 0.03 gives m·p/j = 0.06, 0.0375, 0.03, so every q is 0.03; the
   * smallest p alone (0.06 > 0.05) would not be a discovery, the larger ones carry it.
   */
  @Test
  void largerPValuesCarrySmallerOnes() {
    double[] q = BenjaminiHochberg.qValues(new double[] {0.03, 0.02, 0.025});
    assertArrayEquals(new double[] {0.03, 0.03, 0.03}, q, EPS);
    assertEquals(0.03, BenjaminiHochberg.threshold(new double[] {0.03, 0.02, 0.025}, 0.05), EPS);
  }

  /**
   * Ties: p = 0.01, 0.04, 0.01, 0.5. Sorted ranks 1..4 give m·p/j = 0.04, 0.02, 0.0533.., 0.5, so
   * both tied p-values get q = 0.02 whatever order the sort puts them in.
   */
  @Test
  void tiedPValuesGetTheSameQValue() {
    double[] q = BenjaminiHochberg.qValues(new double[] {0.01, 0.04, 0.01, 0.5});
    assertArrayEquals(new double[] {0.02, 4 * 0.04 / 3, 0.02, 0.5}, q, EPS);
    double[] allTied = BenjaminiHochberg.qValues(new double[] {0.2, 0.2, 0.2});
    assertArrayEquals(new double[] {0.2, 0.2, 0.2}, allTied, EPS);
  }

  /** A q-value never exceeds 1 and never falls below its own p-value. */
  @Test
  void qValuesAreBetweenPAndOne() {
    double[] p = {0.9, 0.99, 0.5, 1.0, 0.0};
    double[] q = BenjaminiHochberg.qValues(p);
    // Sorted: 0 (1), 0.5 (2), 0.9 (3), 0.99 (4), 1 (5): m·p/j = 0, 1.25, 1.5, 1.2375, 1.
    assertArrayEquals(new double[] {1, 1, 1, 1, 0}, q, EPS);
    assertArrayEquals(new double[] {0.7}, BenjaminiHochberg.qValues(new double[] {0.7}), EPS);
  }

  /** The threshold is the largest discovered p-value. */
  @Test
  void thresholdIsTheLargestDiscoveredPValue() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    // q = 0.02, 0.04, 0.04, 0.02: at α = 0.05 all four are discoveries, the largest p is 0.04.
    assertEquals(0.04, BenjaminiHochberg.threshold(p, 0.05), EPS);
    // At α = 0.03 only q = 0.02 qualifies: p = 0.01 and 0.005, the largest is 0.01.
    assertEquals(0.01, BenjaminiHochberg.threshold(p, 0.03), EPS);
    // At α = 0.02 exactly (q ≤ α counts) the same two.
    assertEquals(0.01, BenjaminiHochberg.threshold(p, 0.02), EPS);
  }

  /** With no discovery the threshold is α / m, what a lone discovery would have needed. */
  @Test
  void thresholdWithoutDiscoveriesIsAlphaOverM() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertEquals(0.01 / 4, BenjaminiHochberg.threshold(p, 0.01), EPS);
    assertEquals(0.05 / 3, BenjaminiHochberg.threshold(new double[] {0.5, 0.6, 0.7}, 0.05), EPS);
    assertEquals(0.05, BenjaminiHochberg.threshold(new double[0], 0.05), EPS);
  }

  @Test
  void rejectsValuesThatAreNotProbabilities() {
    assertThrows(
        IllegalArgumentException.class, () -> BenjaminiHochberg.qValues(new double[] {0.1, 1.5}));
    assertThrows(
        IllegalArgumentException.class, () -> BenjaminiHochberg.qValues(new double[] {-0.1}));
    assertThrows(
        IllegalArgumentException.class, () -> BenjaminiHochberg.qValues(new double[] {Double.NaN}));
  }
}
