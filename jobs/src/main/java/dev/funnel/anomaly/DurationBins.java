package dev.funnel.anomaly;

/**
 * Geometric bins of durations in hours, so that delay and age distributions travel as a few hundred
 * counts per cell and week instead of one value per lead: bin 0 is [0, 1 h), bin k ≥ 1 is [{@code
 * RATIO^(k-1)}, {@code RATIO^k}) hours, 8% wide, so interpolating inside a bin moves an expectation
 * by far less than its noise.
 */
public final class DurationBins {
  /** The ratio of a bin's upper to its lower edge. */
  public static final double RATIO = 1.08;

  private static final double LOG_RATIO = Math.log(RATIO);

  private DurationBins() {}

  /** The bin of a non-negative duration in hours (negative durations count as 0). */
  public static int bin(double hours) {
    if (!(hours >= 1)) {
      return 0;
    }
    return 1 + (int) Math.floor(Math.log(hours) / LOG_RATIO);
  }

  /** The lower edge of a bin in hours. */
  public static double lower(int bin) {
    return bin == 0 ? 0 : Math.pow(RATIO, bin - 1);
  }

  /** The upper edge of a bin in hours. */
  public static double upper(int bin) {
    return Math.pow(RATIO, bin);
  }
}
