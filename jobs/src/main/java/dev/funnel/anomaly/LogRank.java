package dev.funnel.anomaly;

/**
 * The log-rank test of a recent group of visits against a baseline group, on grouped times: in each
 * time bin both groups report exits and censorings; censorings in a bin are taken to happen after
 * its exits (the life-table convention), so a visit censored in bin k is at risk for the exits of
 * bin k.
 */
public final class LogRank {
  private LogRank() {}

  /**
   * The test's sums for the recent group.
   *
   * @param observed exits of the recent group
   * @param expected exits the recent group would have had under the pooled hazard
   * @param variance hypergeometric variance of {@code observed − expected}
   * @param recentAtStart visits of the recent group
   * @param baselineAtStart visits of the baseline group
   */
  public record Result(
      double observed, double expected, double variance, long recentAtStart, long baselineAtStart) {
    /** {@code (O − E) / √V}: negative when the recent group leaves the stage more slowly. */
    public double z() {
      return variance > 0 ? (observed - expected) / Math.sqrt(variance) : 0;
    }
  }

  /**
   * Compares the groups over bins {@code 0 .. bins−1}; each array holds one count per bin. The
   * arrays may be longer than {@code bins}: everything from bin {@code bins} on is ignored
   * (follow-up is cut there), except that it still counts as at risk during the compared bins.
   */
  public static Result test(
      long[] recentExits, long[] recentCensored, long[] baseExits, long[] baseCensored, int bins) {
    long recentAtRisk = total(recentExits) + total(recentCensored);
    long baseAtRisk = total(baseExits) + total(baseCensored);
    long recentStart = recentAtRisk;
    long baseStart = baseAtRisk;
    double o = 0;
    double e = 0;
    double v = 0;
    for (int k = 0; k < bins; k++) {
      long d1 = at(recentExits, k);
      long d0 = at(baseExits, k);
      long d = d1 + d0;
      long n = recentAtRisk + baseAtRisk;
      if (d > 0 && n > 0) {
        o += d1;
        e += (double) d * recentAtRisk / n;
        if (n > 1) {
          v += (double) d * recentAtRisk * baseAtRisk * (n - d) / ((double) n * n * (n - 1));
        }
      }
      recentAtRisk -= d1 + at(recentCensored, k);
      baseAtRisk -= d0 + at(baseCensored, k);
    }
    return new Result(o, e, v, recentStart, baseStart);
  }

  private static long at(long[] counts, int k) {
    return k < counts.length ? counts[k] : 0;
  }

  private static long total(long[] counts) {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }
}
