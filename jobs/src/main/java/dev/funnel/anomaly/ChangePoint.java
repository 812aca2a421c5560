package dev.funnel.anomaly;

import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The most likely start of a change in a cell's recent weeks: every suffix of the judged weeks
 * (from week t to the latest) is pooled and tested, and the most extreme suffix is the cell's one
 * test, its p-value multiplied by the number of suffixes tried (Bonferroni), so evidence spread
 * thinly over several weeks adds up without inflating false flags.
 */
public final class ChangePoint {
  private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

  private ChangePoint() {}

  /** Which tail a kind looks at. */
  public enum Tail {
    /** Fewer than expected: drops, floors, slow stages, breach rates. */
    LOWER,
    /** More than expected: lax gates. */
    UPPER
  }

  /**
   * The best suffix.
   *
   * @param start index of the first week of the suffix
   * @param pooled its pooled expectation
   * @param pValue one-sided p-value of the suffix alone
   * @param adjustedP {@code min(1, pValue × suffixes)}
   * @param suffixes suffixes tried
   */
  public record Result(
      int start, Expectation pooled, double pValue, double adjustedP, int suffixes) {}

  /** Scans the suffixes of weekly groups ordered oldest first; weeks with no leads are skipped. */
  public static Result scan(List<Expectation> weeks, Tail tail) {
    return scan(weeks, tail, pooled -> true);
  }

  /**
   * Scans the suffixes, trying only those whose pooled groups are {@code usable} (large enough for
   * the normal approximation); null when none is.
   */
  public static Result scan(
      List<Expectation> weeks, Tail tail, java.util.function.Predicate<Expectation> usable) {
    Result best = null;
    int tried = 0;
    for (int t = weeks.size() - 1; t >= 0; t--) {
      if (weeks.get(t).n() == 0) {
        continue;
      }
      Expectation pooled = Expectation.pool(weeks.subList(t, weeks.size()));
      if (!usable.test(pooled)) {
        continue;
      }
      tried++;
      double p = oneSided(pooled.z(), tail);
      if (best == null || p < best.pValue()) {
        best = new Result(t, pooled, p, p, 0);
      }
    }
    if (best == null) {
      return null;
    }
    return new Result(
        best.start(), best.pooled(), best.pValue(), Math.min(1, best.pValue() * tried), tried);
  }

  /** The one-sided p-value of a z statistic in the given tail. */
  public static double oneSided(double z, Tail tail) {
    return tail == Tail.LOWER ? NORMAL.cumulativeProbability(z) : NORMAL.cumulativeProbability(-z);
  }

  /** The standard normal quantile. */
  public static double quantile(double p) {
    return NORMAL.inverseCumulativeProbability(p);
  }
}
