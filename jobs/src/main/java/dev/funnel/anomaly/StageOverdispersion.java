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
 * <p>The shared variation of one stage rests on its few baseline weeks only (every cell sees the
 * same weekly factors), so a stage whose weeks happened to be calm would be believed calmer than
 * the funnel: its τ² is at least the one estimated over every stage's cells together.
 *
 * <p>A cell's φ is {@code max(1, ũ · Σ_b(Var_b + τ²E_b²) / Σ_b Var_b)}: the model's inflation of
 * its baseline weeks times its moderated excess. With fewer than three cells there is no spread to
 * fit, and each cell keeps its own {@code max(1, mean_b (O_b − E_b)²/Var_b)}.
 */
public final class StageOverdispersion {
  private StageOverdispersion() {}

  /** The fitted prior of the cells' excess: degrees of freedom (possibly infinite) and scale. */
  public record Prior(double df, double scale) {}

  /**
   * A cell's overdispersion φ ≥ 1 and Satterthwaite's degrees of freedom of the variance {@code
   * φ·V0} it gives (infinite when nothing is estimated).
   */
  public record Estimate(double phi, double df) {}

  /**
   * The estimate of each cell (same order), from its baseline residuals, the shared relative
   * variance being at least {@code minimumShared} (the funnel's, see {@link
   * #sharedRelativeVariance}, estimated with {@code minimumSharedDf} degrees of freedom).
   *
   * <p>Degrees of freedom, Satterthwaite's for {@code φ = ũ·(1 + k)}, {@code k = τ²ΣE_b²/ΣVar_b}:
   * {@code Var(φ̂) ≈ ũ²k²·2/df_τ + φ²·2/df_ũ} and {@code df = 2φ²/Var(φ̂)}. The shared τ² rests on
   * the stage's baseline weeks, not on its cells (every cell sees the same weekly factors): {@code
   * df_τ} is {@link #sharedDegreesOfFreedom} on {@link #weeklyDegreesOfFreedom} and the {@code
   * breakdowns} (the total and each dimension), or {@code minimumSharedDf} when the funnel's floor
   * is used. A moderated cell's ũ has {@code d0 + d} (limma's posterior; infinite with an infinite
   * d0), an outlier {@code d}. A φ at the binomial floor 1 is taken as known. With fewer than three
   * cells each keeps its own φ, with {@link Expectation#overdispersedDf} of its {@code d} weeks.
   */
  public static List<Estimate> estimate(
      List<List<ConversionCurve.Residual>> cells,
      double minimumShared,
      double minimumSharedDf,
      int breakdowns) {
    double stageShared = sharedRelativeVariance(cells);
    double tau2 = Math.max(minimumShared, stageShared);
    double tauDf =
        tau2 == 0
            ? Double.POSITIVE_INFINITY
            : stageShared >= minimumShared
                ? sharedDegreesOfFreedom(cells, weeklyDegreesOfFreedom(cells), breakdowns)
                : minimumSharedDf;
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
    List<Estimate> out = new java.util.ArrayList<>();
    for (int c = 0; c < cells.size(); c++) {
      if (prior == null) {
        double own = own(cells.get(c));
        out.add(
            new Estimate(
                own,
                df[c] == 0 ? Double.POSITIVE_INFINITY : Expectation.overdispersedDf(own, df[c])));
        continue;
      }
      double moderated;
      double ownDf;
      if (df[c] > 0 && u[c] / prior.scale() > outlierLimit(df[c], prior.df())) {
        // Far more spread than the stage's cells allow: this cell varies on its own, and
        // shrinking it towards the others would understate its noise.
        moderated = u[c];
        ownDf = df[c];
      } else if (Double.isInfinite(prior.df())) {
        moderated = prior.scale();
        ownDf = Double.POSITIVE_INFINITY;
      } else {
        moderated = (prior.df() * prior.scale() + df[c] * u[c]) / (prior.df() + df[c]);
        ownDf = prior.df() + df[c];
      }
      double phi = moderated * inflation[c];
      if (phi <= 1) {
        out.add(new Estimate(1, Double.POSITIVE_INFINITY));
        continue;
      }
      double k = inflation[c] - 1;
      double relative = moderated * moderated * k * k / tauDf + phi * phi / ownDf;
      out.add(new Estimate(phi, relative > 0 ? phi * phi / relative : Double.POSITIVE_INFINITY));
    }
    return out;
  }

  /**
   * The degrees of freedom of the weekly factors behind a stage's τ²: its weeks less one for each
   * group of weeks they were judged within (leave one out within a group; the most any of its cells
   * has), at least 1.
   */
  public static int weeklyDegreesOfFreedom(List<List<ConversionCurve.Residual>> cells) {
    int most = 0;
    for (List<ConversionCurve.Residual> cell : cells) {
      long blocks = cell.stream().mapToInt(ConversionCurve.Residual::block).distinct().count();
      most = Math.max(most, cell.size() - (int) blocks);
    }
    return Math.max(1, most);
  }

  /**
   * Satterthwaite's degrees of freedom of the moment estimate {@link #sharedRelativeVariance} of
   * these cells, whose weekly factors have {@code weeksDf} of them. Each week's sum {@code Σ_c((O −
   * E)² − Var)} has variance {@code 2τ⁴(Σ_c E²)² + 4τ²Σ_c E²·Var + 2Σ_c Var²} (the shared factor
   * plus the cells' binomial noise), so {@code df = 1 / (1/weeksDf + m·(2·ΣE²Var/(τ²(ΣE²)²) +
   * ΣVar²/(τ⁴(ΣE²)²)))} over every residual: the weeks' number when the shared variation dominates,
   * fewer when binomial noise does. A lead counts in one cell of each of the {@code breakdowns}
   * (the total and each dimension), so the cells' noise is correlated across breakdowns: {@code m =
   * breakdowns} bounds that (its noise counted as fully correlated). Infinite when τ² is 0.
   */
  public static double sharedDegreesOfFreedom(
      List<List<ConversionCurve.Residual>> cells, double weeksDf, int breakdowns) {
    double tau2 = sharedRelativeVariance(cells);
    if (tau2 <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    double load = 0;
    double loadNoise = 0;
    double noiseSquared = 0;
    for (List<ConversionCurve.Residual> cell : cells) {
      for (ConversionCurve.Residual r : cell) {
        load += r.expectedSquared();
        loadNoise += r.expectedSquared() * r.variance();
        noiseSquared += r.variance() * r.variance();
      }
    }
    double noise =
        2 * loadNoise / (tau2 * load * load) + noiseSquared / (tau2 * tau2 * load * load);
    return 1 / (1 / weeksDf + breakdowns * noise);
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
