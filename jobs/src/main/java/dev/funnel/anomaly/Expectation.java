package dev.funnel.anomaly;

import java.util.List;

/**
 * Observed against expected for one judged group of a cell: a week, or several weeks pooled.
 *
 * @param n leads (or visits) in the group
 * @param observed observed count
 * @param expected expected count
 * @param noiseVariance the group's own variance, overdispersion included
 * @param baselineVariance the variance of {@code expected} from the finite baseline; shared by
 *     every group judged against the same baseline, so pooled groups add its square roots
 */
public record Expectation(
    long n, double observed, double expected, double noiseVariance, double baselineVariance) {

  /** The variance of {@code observed − expected}. */
  public double variance() {
    return noiseVariance + baselineVariance;
  }

  /** {@code (O − E) / √V}, 0 when there is no variance. */
  public double z() {
    double v = variance();
    return v > 0 ? (observed - expected) / Math.sqrt(v) : 0;
  }

  /**
   * Groups judged against one baseline, pooled: noise adds up, the baseline's error does not
   * cancel.
   */
  public static Expectation pool(List<Expectation> groups) {
    long n = 0;
    double o = 0;
    double e = 0;
    double noise = 0;
    double baselineSd = 0;
    for (Expectation g : groups) {
      n += g.n;
      o += g.observed;
      e += g.expected;
      noise += g.noiseVariance;
      baselineSd += Math.sqrt(g.baselineVariance);
    }
    return new Expectation(n, o, e, noise, baselineSd * baselineSd);
  }
}
