package dev.funnel.anomaly;

import java.util.List;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * The overdispersion of a stage's conversion cells, estimated together instead of from each cell's
 * few baseline weeks alone.
 *
 * <p>Two parts. A relative week-to-week variation {@code τ²} shared by the stage (a week's rate
 * moves by a factor {@code 1 + ε}, {@code Var ε = τ²}, so a week's difference has variance {@code
 * Var_b + τ²·E_b²}): the moment estimate over every cell and baseline week of the stage, {@code τ²
 * = max(0, Σ((O_b − E_b)² − Var_b) / Σ E_b²)}. Large cells feel it most, small ones hardly. Then
 * each cell's own excess over that model, {@code u = mean_b (O_b − E_b)² / (Var_b + τ²·E_b²)} on
 * {@code d} weeks, moderated across the stage's cells by empirical Bayes as limma moderates
 * variances (Smyth 2004): the cells' {@code u} are taken as scaled χ²_d/d around a common
 * inverse-χ² prior of {@code d0} degrees of freedom and scale {@code s0²}, fitted from their
 * spread; a cell's estimate is {@code ũ = (d0·s0² + d·u)/(d0 + d)}. When the cells vary no more
 * than their sampling noise says, {@code d0} is infinite and every cell takes the stage's value;
 * when the cells differ, {@code d0} is small and each keeps much of its own estimate; a cell whose
 * excess is beyond the prior's upper 5% ({@code u/s0² > F_{0.95}(d, d0)}) is taken to vary on its
 * own and keeps {@code u} unmoderated.
 *
 * <p>A cell's φ is {@code max(1, ũ · Σ_b(Var_b + τ²E_b²) / Σ_b Var_b)}: the model's inflation of
 * its baseline weeks times its moderated excess. With fewer than three cells there is no spread to
 * fit, and each cell keeps its own {@code max(1, mean_b (O_b − E_b)²/Var_b)}.
 */
public final class StageOverdispersion {
  private StageOverdispersion() {}

  /** The fitted prior of the cells' excess: degrees of freedom (possibly infinite) and scale. */
  public record Prior(double df, double scale) {}

  /** The φ of each cell (same order), from its baseline residuals. */
  public static double[] of(List<List<ConversionCurve.Residual>> cells) {
    double[] phi = new double[cells.size()];
    double tau2 = sharedRelativeVariance(cells);
    double[] u = new double[cells.size()];
    int[] df = new int[cells.size()];
    double[] inflation = new double[cells.size()];
    for (int c = 0; c < cells.size(); c++) {
      double ratio = 0;
      double model = 0;
      double binomial = 0;
      for (ConversionCurve.Residual r : cells.get(c)) {
        double v = r.variance() + tau2 * r.expectedSquared();
        ratio += r.squared() / v;
        model += v;
        binomial += r.variance();
        df[c]++;
      }
      u[c] = df[c] == 0 ? 1 : ratio / df[c];
      inflation[c] = binomial > 0 ? model / binomial : 1;
    }
    Prior prior = prior(u, df);
    for (int c = 0; c < cells.size(); c++) {
      if (prior == null) {
        phi[c] = own(cells.get(c));
        continue;
      }
      double moderated;
      if (df[c] > 0 && u[c] / prior.scale() > outlierLimit(df[c], prior.df())) {
        // Far more spread than the stage's cells allow: this cell varies on its own, and
        // shrinking it towards the others would understate its noise.
        moderated = u[c];
      } else if (Double.isInfinite(prior.df())) {
        moderated = prior.scale();
      } else {
        moderated = (prior.df() * prior.scale() + df[c] * u[c]) / (prior.df() + df[c]);
      }
      phi[c] = Math.max(1, moderated * inflation[c]);
    }
    return phi;
  }

  /** The level at which a cell's excess is too large for the stage's prior. */
  static final double OUTLIER_LEVEL = 0.05;

  /**
   * The upper {@link #OUTLIER_LEVEL} quantile of {@code u / s0²} under the prior: F with {@code (d,
   * d0)} degrees of freedom, χ²_d/d when {@code d0} is infinite.
   */
  static double outlierLimit(int d, double d0) {
    double level = 1 - OUTLIER_LEVEL;
    if (Double.isInfinite(d0) || d0 > 1e6) {
      return new ChiSquaredDistribution(null, d).inverseCumulativeProbability(level) / d;
    }
    return new FDistribution(null, d, d0).inverseCumulativeProbability(level);
  }

  /** A cell's own φ: {@code max(1, mean_b (O_b − E_b)² / Var_b)}, 1 without residuals. */
  static double own(List<ConversionCurve.Residual> cell) {
    double sum = 0;
    for (ConversionCurve.Residual r : cell) {
      sum += r.squared() / r.variance();
    }
    return cell.isEmpty() ? 1 : Math.max(1, sum / cell.size());
  }

  /**
   * The stage's shared relative variance {@code τ² = max(0, Σ((O_b − E_b)² − Var_b) / Σ E_b²)} over
   * every cell and baseline week; 0 without residuals.
   */
  public static double sharedRelativeVariance(List<List<ConversionCurve.Residual>> cells) {
    double excess = 0;
    double load = 0;
    for (List<ConversionCurve.Residual> cell : cells) {
      for (ConversionCurve.Residual r : cell) {
        excess += r.squared() - r.variance();
        load += r.expectedSquared();
      }
    }
    return load > 0 ? Math.max(0, excess / load) : 0;
  }

  /**
   * limma's {@code fitFDist} on the cells' excess {@code u} with {@code df} degrees of freedom:
   * {@code e = log u − ψ(d/2) + log(d/2)}, {@code d0 = 2·ψ′⁻¹(var(e) − mean ψ′(d/2))} (infinite
   * when that is not positive), {@code s0² = exp(mean e + ψ(d0/2) − log(d0/2))} (ψ digamma, ψ′
   * trigamma). Cells without weeks or with {@code u = 0} take no part; null with fewer than three.
   */
  public static Prior prior(double[] u, int[] df) {
    int n = 0;
    double sum = 0;
    double[] e = new double[u.length];
    boolean[] used = new boolean[u.length];
    for (int c = 0; c < u.length; c++) {
      if (df[c] > 0 && u[c] > 0) {
        double half = df[c] / 2.0;
        e[c] = Math.log(u[c]) - Gamma.digamma(half) + Math.log(half);
        used[c] = true;
        sum += e[c];
        n++;
      }
    }
    if (n < 3) {
      return null;
    }
    double mean = sum / n;
    double spread = 0;
    double trigamma = 0;
    for (int c = 0; c < u.length; c++) {
      if (used[c]) {
        spread += (e[c] - mean) * (e[c] - mean);
        trigamma += Gamma.trigamma(df[c] / 2.0);
      }
    }
    double excess = spread / (n - 1) - trigamma / n;
    if (excess <= 0) {
      return new Prior(Double.POSITIVE_INFINITY, Math.exp(mean));
    }
    double d0 = 2 * trigammaInverse(excess);
    return new Prior(d0, Math.exp(mean + Gamma.digamma(d0 / 2) - Math.log(d0 / 2)));
  }

  /** The y > 0 with ψ′(y) = x (ψ′ decreases from ∞ to 0), by bisection on log y. */
  static double trigammaInverse(double x) {
    double lo = Math.log(1e-8);
    double hi = Math.log(1e12);
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (Gamma.trigamma(Math.exp(mid)) > x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }
}
