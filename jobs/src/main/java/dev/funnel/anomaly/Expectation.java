package dev.funnel.anomaly;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Observed against expected for one judged group of a cell: a week, or several weeks pooled.
 *
 * @param n leads (or visits) in the group
 * @param observed observed count
 * @param expected expected count
 * @param noiseVariance the group's own variance, overdispersion included
 * @param baselineVariance the variance of {@code expected} from the finite baseline; shared by
 *     every group judged against the same baseline, so pooled groups add its square roots
 * @param degreesOfFreedom Satterthwaite's degrees of freedom of {@link #variance()} when part of it
 *     is estimated from a few baseline weeks (an overdispersion), infinite when it is known
 */
public record Expectation(
    long n,
    double observed,
    double expected,
    double noiseVariance,
    double baselineVariance,
    double degreesOfFreedom) {

  /**
   * Above this many degrees of freedom t is the normal to far better than the p-values need (and
   * the incomplete beta behind t loses accuracy there).
   */
  static final double NORMAL_DF = 1e6;

  /** Checks the degrees of freedom. */
  public Expectation {
    if (!(degreesOfFreedom > 0)) {
      throw new IllegalArgumentException("degrees of freedom " + degreesOfFreedom + " <= 0");
    }
  }

  /** An expectation whose variance is known (binomial or Poisson, no estimated part). */
  public Expectation(
      long n, double observed, double expected, double noiseVariance, double baselineVariance) {
    this(n, observed, expected, noiseVariance, baselineVariance, Double.POSITIVE_INFINITY);
  }

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
   * The one-sided p-value of {@link #z()} in {@code tail}: standard normal when the variance is
   * known, Student's t with {@link #degreesOfFreedom()} when part of it is estimated, so a variance
   * resting on a few calm baseline weeks does not make ordinary weeks look extreme.
   */
  public double pValue(ChangePoint.Tail tail) {
    if (degreesOfFreedom > NORMAL_DF) {
      return ChangePoint.oneSided(z(), tail);
    }
    double t = tail == ChangePoint.Tail.LOWER ? z() : -z();
    return new TDistribution(null, degreesOfFreedom).cumulativeProbability(t);
  }

  /**
   * The z a group needs for a one-sided p-value of {@code level}: the standard normal quantile, or
   * Student's t with {@link #degreesOfFreedom()} (used for the detectable effect).
   */
  public double criticalValue(double level) {
    if (degreesOfFreedom > NORMAL_DF) {
      return -ChangePoint.quantile(level);
    }
    return -new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(level);
  }

  /**
   * The degrees of freedom given to a variance {@code φ̂·V0} whose binomial (or Poisson) part
   * {@code V0} is known and whose excess {@code (φ̂ − 1)·V0} rests on {@code d} weeks: {@code
   * d·(φ̂/(φ̂ − 1))²}, infinite at the floor {@code φ̂ = 1}. A compromise, said so: φ̂ = max(1,
   * mean of d squared residuals) has {@code Var = 2φ²/d}, so t with {@code d} would be exact for a
   * cell that truly varies beyond binomial noise (this rule gives 0.9% instead of 0.5% at φ = 3 on
   * 8 weeks; the normal reference 1.4%), but for the many cells whose true φ is 1 the floor already
   * makes the test conservative, and t with {@code d} on top cost the volume and slow-stage recall
   * (measured: 80% instead of 100% within two and six weeks).
   */
  public static double overdispersedDf(double phi, double d) {
    if (!(phi > 1) || Double.isInfinite(d)) {
      return Double.POSITIVE_INFINITY;
    }
    double ratio = phi / (phi - 1);
    return d * ratio * ratio;
  }

  /** The same group with another variance's degrees of freedom. */
  public Expectation withDegreesOfFreedom(double df) {
    return new Expectation(n, observed, expected, noiseVariance, baselineVariance, df);
  }

  /**
   * Groups judged against one baseline, pooled: noise adds up, the baseline's error does not
   * cancel. The groups' variances rest on one estimate, so the pool keeps the fewest degrees of
   * freedom among its groups with leads.
   */
  public static Expectation pool(List<Expectation> groups) {
    long n = 0;
    double o = 0;
    double e = 0;
    double noise = 0;
    double baselineSd = 0;
    double df = Double.POSITIVE_INFINITY;
    for (Expectation g : groups) {
      n += g.n;
      o += g.observed;
      e += g.expected;
      noise += g.noiseVariance;
      baselineSd += Math.sqrt(g.baselineVariance);
      if (g.n > 0) {
        df = Math.min(df, g.degreesOfFreedom);
      }
    }
    return new Expectation(n, o, e, noise, baselineSd * baselineSd, df);
  }
}
