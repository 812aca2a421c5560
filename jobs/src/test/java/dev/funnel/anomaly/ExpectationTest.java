package dev.funnel.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
