package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suffix scan and its Bonferroni factor on a hand-made list of weeks. */
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
   * Φ(−2.3094011) = 0.010460668 (Python: 0.5·erfc(2.3094011/√2)); 4 suffixes tried, adjusted p =
   * 0.041842671.
   */
  private static final List<Expectation> WEEKS =
      List.of(
          new Expectation(100, 50, 50, 25, 0),
          new Expectation(100, 40, 50, 25, 0),
          new Expectation(100, 42, 50, 25, 0),
          new Expectation(0, 0, 0, 0, 0),
          new Expectation(100, 48, 50, 25, 0));

  @Test
  void bestLowerSuffixWithBonferroni() {
    ChangePoint.Result r = ChangePoint.scan(WEEKS, ChangePoint.Tail.LOWER);
    assertEquals(1, r.start());
    assertEquals(4, r.suffixes());
    assertEquals(300, r.pooled().n());
    assertEquals(130, r.pooled().observed(), EPS);
    assertEquals(150, r.pooled().expected(), EPS);
    assertEquals(75, r.pooled().variance(), EPS);
    assertEquals(-20 / Math.sqrt(75), r.pooled().z(), EPS);
    assertEquals(0.010460667668897024, r.pValue(), 1e-12);
    assertEquals(4 * 0.010460667668897024, r.adjustedP(), 1e-12);
  }

  /** Upper tail: the least negative suffix (from w4, z = −0.4, p = 0.6554) and the cap at 1. */
  @Test
  void upperTailIsCappedAtOne() {
    ChangePoint.Result r = ChangePoint.scan(WEEKS, ChangePoint.Tail.UPPER);
    assertEquals(4, r.start());
    assertEquals(0.6554217416103242, r.pValue(), 1e-12);
    assertEquals(1, r.adjustedP(), 0);
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
