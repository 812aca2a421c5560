package dev.funnel.anomaly;

import java.util.List;

/**
 * A baseline's conversion-by-age curve: {@code F(a)} is the share of the baseline's leads that
 * converted within age {@code a} (the core tables' rule with {@code a} in place of the window).
 * Every baseline week is mature, so the curve is observed up to the full window; ages inside a
 * duration bin are taken as spread evenly over it, so a bin's own conversions count half.
 */
public final class ConversionCurve {
  private final long leads;
  private final long converted;
  private final double[] cumulativeBefore;
  private final long[] delays;
  private final double overdispersion;
  private final double overdispersionDf;
  private final List<Residual> residuals;

  private ConversionCurve(
      long leads,
      long[] delays,
      double overdispersion,
      double overdispersionDf,
      List<Residual> residuals) {
    this.leads = leads;
    this.delays = delays;
    this.overdispersion = overdispersion;
    this.overdispersionDf = overdispersionDf;
    this.residuals = List.copyOf(residuals);
    this.cumulativeBefore = new double[delays.length + 1];
    long sum = 0;
    for (int k = 0; k < delays.length; k++) {
      cumulativeBefore[k] = sum;
      sum += delays[k];
    }
    cumulativeBefore[delays.length] = sum;
    this.converted = sum;
  }

  /** One mature baseline week: its leads and the delay bins of those that converted. */
  public record Week(long leads, long[] delayBins) {
    /** Leads of the week that converted within the window. */
    public long converted() {
      long sum = 0;
      for (long c : delayBins) {
        sum += c;
      }
      return sum;
    }
  }

  /**
   * One baseline week judged against the others at full age (leave one out).
   *
   * @param squared {@code (O_b − E_b)²}
   * @param variance {@code Var_b}, the binomial variance of that difference
   * @param expectedSquared {@code E_b²}, which a relative variation of the week's rate scales
   * @param block the group of weeks it was judged within (each group's leave-one-out costs one of
   *     its weeks' degrees of freedom)
   */
  public record Residual(double squared, double variance, double expectedSquared, int block) {

    /** A residual of the first (or only) group of weeks. */
    public Residual(double squared, double variance, double expectedSquared) {
      this(squared, variance, expectedSquared, 0);
    }

    /** The same residual in another group of weeks. */
    public Residual inBlock(int newBlock) {
      return new Residual(squared, variance, expectedSquared, newBlock);
    }
  }

  /**
   * The curve of the given mature weeks, with their overdispersion: each week is judged at full age
   * against the curve of the others, and {@code φ = max(1, mean over weeks of (O_b − E_b)² /
   * Var_b)}, where {@code Var_b = n_b·F(1−F)·(1 + n_b / (N − n_b))} is the binomial variance of
   * that difference (the week's own noise plus the others' curve). φ is 1 when the weeks vary no
   * more than binomial noise says.
   */
  public static ConversionCurve of(List<Week> weeks) {
    int width = 0;
    long leads = 0;
    for (Week w : weeks) {
      width = Math.max(width, w.delayBins().length);
      leads += w.leads();
    }
    long[] delays = new long[width];
    for (Week w : weeks) {
      for (int k = 0; k < w.delayBins().length; k++) {
        delays[k] += w.delayBins()[k];
      }
    }
    long converted = 0;
    for (long d : delays) {
      converted += d;
    }
    double sum = 0;
    int terms = 0;
    List<Residual> residuals = new java.util.ArrayList<>();
    for (Week w : weeks) {
      long others = leads - w.leads();
      if (w.leads() == 0 || others == 0) {
        continue;
      }
      double f = (double) (converted - w.converted()) / others;
      double var = w.leads() * f * (1 - f) * (1 + (double) w.leads() / others);
      if (var > 0) {
        double diff = w.converted() - w.leads() * f;
        sum += diff * diff / var;
        terms++;
        residuals.add(new Residual(diff * diff, var, w.leads() * f * w.leads() * f));
      }
    }
    double phi = terms == 0 ? 1 : Math.max(1, sum / terms);
    return new ConversionCurve(
        leads,
        delays,
        phi,
        terms == 0 ? Double.POSITIVE_INFINITY : Expectation.overdispersedDf(phi, terms),
        residuals);
  }

  /**
   * The leave-one-out residuals of mature weeks (newest first) judged within the groups of {@link
   * Weeks#spreadGroups}, as {@link #of} judges a baseline, each residual carrying its group's
   * index.
   */
  public static List<Residual> groupedResiduals(List<Week> weeksNewestFirst, int groupSize) {
    List<Residual> out = new java.util.ArrayList<>();
    List<List<Week>> groups = Weeks.spreadGroups(weeksNewestFirst, groupSize);
    for (int g = 0; g < groups.size(); g++) {
      for (Residual r : of(groups.get(g)).residuals()) {
        out.add(r.inBlock(g));
      }
    }
    return out;
  }

  /** The baseline weeks' leave-one-out residuals behind {@link #overdispersion()}. */
  public List<Residual> residuals() {
    return residuals;
  }

  /**
   * The same curve with another overdispersion, for example one estimated across cells, and the
   * degrees of freedom of the variance it gives (infinite when it is known).
   */
  public ConversionCurve withOverdispersion(double phi, double degreesOfFreedom) {
    if (!(phi >= 1)) {
      throw new IllegalArgumentException("overdispersion " + phi + " is below 1");
    }
    if (!(degreesOfFreedom > 0)) {
      throw new IllegalArgumentException("degrees of freedom " + degreesOfFreedom + " <= 0");
    }
    return new ConversionCurve(leads, delays, phi, degreesOfFreedom, residuals);
  }

  /** Leads in the baseline. */
  public long leads() {
    return leads;
  }

  /** The baseline's mature conversion rate: F at the full window. */
  public double matureRate() {
    return leads == 0 ? 0 : (double) converted / leads;
  }

  /** The baseline weeks' overdispersion φ ≥ 1. */
  public double overdispersion() {
    return overdispersion;
  }

  /**
   * The degrees of freedom of the variances this curve's expectations carry: from its own weeks
   * {@link Expectation#overdispersedDf} of φ and the weeks, or those given with {@link
   * #withOverdispersion}.
   */
  public double overdispersionDf() {
    return overdispersionDf;
  }

  /** F for a lead whose age lies in duration bin {@code bin} (below the full window). */
  public double atAgeBin(int bin) {
    if (leads == 0) {
      return 0;
    }
    if (bin >= delays.length) {
      return matureRate();
    }
    return (cumulativeBefore[bin] + 0.5 * delays[bin]) / leads;
  }

  /**
   * Observed against expected conversions for a cohort: {@code ageBins[j]} leads younger than the
   * window whose age is in bin j, {@code fullAge} leads at least a window old, {@code observed} of
   * them converted. {@code E = Σ F(a_i)}, binomial variance {@code V0 = Σ F(a_i)(1−F(a_i))}, and
   * the curve's own uncertainty {@code Var(E) = φ·E²·(1−F̄)/(F̄·N)}, {@code F̄ = E/n}; the variance
   * has {@link #overdispersionDf()} degrees of freedom.
   */
  public Expectation expect(long[] ageBins, long fullAge, long observed) {
    double e = 0;
    double v0 = 0;
    long n = fullAge;
    for (int j = 0; j < ageBins.length; j++) {
      if (ageBins[j] == 0) {
        continue;
      }
      double f = atAgeBin(j);
      e += ageBins[j] * f;
      v0 += ageBins[j] * f * (1 - f);
      n += ageBins[j];
    }
    double full = matureRate();
    e += fullAge * full;
    v0 += fullAge * full * (1 - full);
    double mean = n == 0 ? 0 : e / n;
    double curveVariance =
        mean <= 0 || leads == 0 ? 0 : overdispersion * e * e * (1 - mean) / (mean * leads);
    return new Expectation(n, observed, e, overdispersion * v0, curveVariance, overdispersionDf);
  }
}
