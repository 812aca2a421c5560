package dev.funnel.stats;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;

/**
 * Percentiles by linear interpolation between order statistics: R's type 7, numpy's default. Backed
 * by Commons Math so that the definition is the library's, not ours.
 */
public final class Percentiles {
  private final Percentile percentile;
  private final int n;

  private Percentiles(double[] values) {
    this.percentile = new Percentile().withEstimationType(EstimationType.R_7);
    this.percentile.setData(values);
    this.n = values.length;
  }

  /** Percentiles of the given values (the array is not changed). */
  public static Percentiles of(double[] values) {
    return new Percentiles(values);
  }

  /** The q-quantile, q in [0, 1]; null for no values. */
  public Double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1]: " + q);
    }
    if (n == 0) {
      return null;
    }
    // Commons Math takes p in (0, 100]; type 7 at 0 is the minimum.
    return q == 0 ? percentile.evaluate(Double.MIN_VALUE) : percentile.evaluate(q * 100.0);
  }
}
