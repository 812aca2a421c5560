package dev.funnel.anomaly;

/**
 * The Kaplan–Meier median of binned visit lengths (exits and censorings per {@link DurationBins}
 * bin, censorings after the exits of their bin), for messages: the upper edge of the first bin
 * where survival falls to one half or below.
 */
public final class BinnedSurvival {
  private BinnedSurvival() {}

  /** The median in hours, or null when survival stays above one half within {@code bins}. */
  public static Double median(long[] exits, long[] censored, int bins) {
    long atRisk = WeekFacts.sum(exits) + WeekFacts.sum(censored);
    double survival = 1;
    for (int k = 0; k < bins && atRisk > 0; k++) {
      long d = k < exits.length ? exits[k] : 0;
      if (d > 0) {
        survival *= 1 - (double) d / atRisk;
        if (survival <= 0.5 + 1e-12) {
          return DurationBins.upper(k);
        }
      }
      atRisk -= d + (k < censored.length ? censored[k] : 0);
    }
    return null;
  }
}
