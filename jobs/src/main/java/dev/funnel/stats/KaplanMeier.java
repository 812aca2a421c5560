package dev.funnel.stats;

import java.util.Arrays;

/**
 * Kaplan–Meier survival estimate of time in a stage, where visits still open at the as-of instant
 * are right-censored there. At equal times exits come before censorings, so a visit censored at t
 * is still at risk at t.
 */
public final class KaplanMeier {
  /**
   * Slack when comparing S(t) with 1 − q: the product of k factors carries a rounding error that
   * grows with k (about 132,000 factors put an exact 0.5 at 0.5 + 1.3e-12), so the slack does too.
   */
  private static final double TOLERANCE = 1e-12;

  private static final double TOLERANCE_PER_FACTOR = 1e-15;

  private final double[] exitTimes;
  private final double[] survival;

  private KaplanMeier(double[] exitTimes, double[] survival) {
    this.exitTimes = exitTimes;
    this.survival = survival;
  }

  /**
   * Fits the estimate.
   *
   * @param exits durations of the visits that ended (events)
   * @param censored durations of the visits still open (censored at the as-of instant)
   */
  public static KaplanMeier fit(double[] exits, double[] censored) {
    double[] e = exits.clone();
    double[] c = censored.clone();
    Arrays.sort(e);
    Arrays.sort(c);
    return fitSorted(e, c);
  }

  /** Like {@link #fit} for arrays already sorted ascending; they are not copied or changed. */
  public static KaplanMeier fitSorted(double[] exits, double[] censored) {
    int n = exits.length + censored.length;
    double[] times = new double[exits.length];
    double[] surv = new double[exits.length];
    int distinct = 0;
    double s = 1.0;
    int i = 0;
    int j = 0;
    int removed = 0;
    while (i < exits.length) {
      double t = exits[i];
      // Censorings strictly before t leave the risk set first; those at t stay at risk.
      while (j < censored.length && censored[j] < t) {
        j++;
        removed++;
      }
      int d = 0;
      while (i < exits.length && exits[i] == t) {
        d++;
        i++;
      }
      int atRisk = n - removed;
      s *= 1.0 - (double) d / atRisk;
      removed += d;
      times[distinct] = t;
      surv[distinct] = s;
      distinct++;
    }
    return new KaplanMeier(Arrays.copyOf(times, distinct), Arrays.copyOf(surv, distinct));
  }

  /** S(t): the estimated share of visits still in the stage after t hours. */
  public double survival(double t) {
    double s = 1.0;
    for (int k = 0; k < exitTimes.length && exitTimes[k] <= t; k++) {
      s = survival[k];
    }
    return s;
  }

  /**
   * The q-quantile of time in stage: the smallest observed exit time t where S(t) ≤ 1 − q, or null
   * when the estimate never falls that low (too many visits still open).
   */
  public Double quantile(double q) {
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("quantile must be in (0, 1): " + q);
    }
    for (int k = 0; k < exitTimes.length; k++) {
      if (survival[k] <= 1.0 - q + TOLERANCE + (k + 1) * TOLERANCE_PER_FACTOR) {
        return exitTimes[k];
      }
    }
    return null;
  }
}
