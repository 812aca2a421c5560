package dev.funnel.anomaly;

import java.util.Arrays;
import java.util.Comparator;

/** Benjamini–Hochberg control of the false discovery rate over one family of tests. */
public final class BenjaminiHochberg {
  private BenjaminiHochberg() {}

  /**
   * The q-values of m p-values, in input order: with the p-values sorted ascending, {@code q_(i) =
   * min_{j >= i} m * p_(j) / j}, capped at 1. A test is a discovery at level α when its q ≤ α.
   */
  public static double[] qValues(double[] pValues) {
    int m = pValues.length;
    for (double p : pValues) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("p-value " + p + " is not between 0 and 1");
      }
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] q = new double[m];
    double running = 1.0;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, pValues[i] * m / rank);
      q[i] = running;
    }
    return q;
  }

  /**
   * The BH threshold: the largest p-value that is a discovery at level α, or {@code α / m} when
   * there is none (the level a lone discovery would have needed).
   */
  public static double threshold(double[] pValues, double alpha) {
    double[] q = qValues(pValues);
    double best = -1;
    for (int i = 0; i < q.length; i++) {
      if (q[i] <= alpha) {
        best = Math.max(best, pValues[i]);
      }
    }
    return best >= 0 ? best : alpha / Math.max(1, pValues.length);
  }
}
