package dev.funnel.anomaly;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The most likely start of a change in a cell's recent weeks: every suffix of the judged weeks
 * (from week t to the latest) is pooled and tested, and the most extreme suffix is the cell's one
 * test. Its p-value is corrected for the suffixes tried with Hunter's bound ({@link #familyP}),
 * which uses that nested suffixes are strongly correlated and is never larger than Bonferroni's
 * factor, so evidence spread thinly over several weeks adds up without inflating false flags.
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
   * @param adjustedP the p-value of the most extreme of the suffixes tried: Hunter's bound, between
   *     {@code pValue} and {@code min(1, pValue × suffixes)}
   * @param suffixes suffixes tried
   * @param correlations the correlations of consecutive tried suffixes' statistics, shortest first
   */
  public record Result(
      int start,
      Expectation pooled,
      double pValue,
      double adjustedP,
      int suffixes,
      List<Double> correlations) {

    /** Copies the correlations. */
    public Result {
      correlations = List.copyOf(correlations);
    }

    /** The p-value a single suffix needs for its corrected p-value to be {@code familyLevel}. */
    public double perTestLevel(double familyLevel) {
      return ChangePoint.perTestLevel(
          familyLevel, correlations.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

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
    // The tried suffixes, shortest first: each one contains the previous.
    List<Expectation> tried = new ArrayList<>();
    for (int t = weeks.size() - 1; t >= 0; t--) {
      if (weeks.get(t).n() == 0) {
        continue;
      }
      Expectation pooled = Expectation.pool(weeks.subList(t, weeks.size()));
      if (!usable.test(pooled)) {
        continue;
      }
      tried.add(pooled);
      double p = pooled.pValue(tail);
      if (best == null || p < best.pValue()) {
        best = new Result(t, pooled, p, p, 0, List.of());
      }
    }
    if (best == null) {
      return null;
    }
    double[] rho = new double[tried.size() - 1];
    List<Double> correlations = new ArrayList<>();
    for (int i = 0; i < rho.length; i++) {
      rho[i] = nestedCorrelation(tried.get(i), tried.get(i + 1));
      correlations.add(rho[i]);
    }
    return new Result(
        best.start(),
        best.pooled(),
        best.pValue(),
        familyP(best.pValue(), rho),
        tried.size(),
        correlations);
  }

  /**
   * The inverse of {@link #familyP} in {@code p}: the smallest p-value's level at which the
   * corrected p-value equals {@code familyLevel}, found by iterating {@code p ← level / (familyP(p)
   * / p)} from Bonferroni's {@code level / m} (the ratio changes slowly with p, so a few steps
   * settle it to well under a part in a thousand).
   */
  public static double perTestLevel(double familyLevel, double[] rho) {
    int m = rho.length + 1;
    if (m == 1 || familyLevel <= 0) {
      return familyLevel;
    }
    double p = familyLevel / m;
    for (int step = 0; step < 8; step++) {
      double ratio = familyP(p, rho) / p;
      double next = Math.min(familyLevel, familyLevel / ratio);
      if (Math.abs(next - p) <= 1e-6 * p) {
        return next;
      }
      p = next;
    }
    return p;
  }

  /**
   * The correlation of the z statistics of two nested suffixes, {@code inner} contained in {@code
   * outer}: their noise is shared through the inner weeks, their baseline error in full (it adds up
   * as standard deviations, see {@link Expectation#pool}), so {@code Cov = noise_inner +
   * sd_inner·sd_outer} and {@code ρ = Cov / √(V_inner·V_outer)}.
   */
  static double nestedCorrelation(Expectation inner, Expectation outer) {
    double v = inner.variance() * outer.variance();
    if (v <= 0) {
      return 0;
    }
    double cov =
        inner.noiseVariance()
            + Math.sqrt(inner.baselineVariance()) * Math.sqrt(outer.baselineVariance());
    return Math.max(0, Math.min(1, cov / Math.sqrt(v)));
  }

  /**
   * The p-value of the most extreme of {@code m = rho.length + 1} one-sided tests whose smallest
   * p-value is {@code p}, where test i and i + 1 have correlated normal statistics with correlation
   * {@code rho[i]}: Hunter's upper bound on the probability of the union, {@code P(∪ A_i) ≤ Σ
   * P(A_i) − Σ P(A_i ∩ A_{i+1})} (valid for the edges of any spanning tree, here the chain), with
   * {@code A_i} the event that test i reaches the threshold {@code c = Φ⁻¹(1 − p)}. At least {@code
   * p}, at most Bonferroni's {@code min(1, m·p)}: equal to it for independent tests, to {@code p}
   * for identical ones.
   */
  public static double familyP(double p, double[] rho) {
    int m = rho.length + 1;
    if (m == 1 || p >= 1 || p <= 0) {
      return Math.max(0, Math.min(1, p));
    }
    // −Φ⁻¹(p), not Φ⁻¹(1 − p): 1 − p rounds to 1 for the smallest p-values.
    double c = -NORMAL.inverseCumulativeProbability(p);
    if (Double.isInfinite(c)) {
      // Below the normal quantile's range: Bonferroni, still far below any threshold.
      return m * p;
    }
    double bound = m * p;
    for (double r : rho) {
      bound -= upperOrthant(c, r);
    }
    return Math.min(1, Math.min(m * p, Math.max(p, bound)));
  }

  private static final GaussIntegratorFactory GAUSS = new GaussIntegratorFactory();

  /**
   * {@code P(X ≥ c, Y ≥ c)} for standard normal X and Y with correlation {@code 0 ≤ rho ≤ 1}, by
   * Owen's T function: {@code Q(c) − 2·T(c, √((1 − ρ)/(1 + ρ)))}, Q the upper tail, {@code T(h, a)
   * = (1/2π)·∫_0^a e^{−h²(1+x²)/2}/(1+x²) dx} by 20-point Gauss–Legendre on two halves of {@code
   * [0, a]} (a smooth integrand of exponentials only, so it is cheap; the subtraction keeps about
   * twelve digits for the tails this scan meets).
   */
  static double upperOrthant(double c, double rho) {
    double tail = NORMAL.cumulativeProbability(-c);
    if (rho >= 1) {
      return tail;
    }
    if (rho == 0) {
      return tail * tail;
    }
    double a = Math.sqrt((1 - rho) / (1 + rho));
    double h2 = c * c;
    double t = 0;
    for (int half = 0; half < 2; half++) {
      t +=
          GAUSS
              .legendre(20, half * a / 2, (half + 1) * a / 2)
              .integrate(x -> Math.exp(-h2 * (1 + x * x) / 2) / (1 + x * x));
    }
    return Math.max(0, tail - 2 * t / (2 * Math.PI));
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
