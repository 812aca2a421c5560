package dev.funnel.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits the change of a total rate across the parts of one dimension into a mix effect (the parts'
 * shares of the leads moved) and a rate effect (the parts' own rates moved).
 *
 * <p>With baseline shares s, rates r and total R = Σ s·r, and current shares s', rates r' and total
 * R' = Σ s'·r', the change R' − R is exactly Σ mix + Σ rate, where a part's mix effect is (s' −
 * s)·(r − R) (more leads from a part that converts worse than the baseline total lowers the total)
 * and its rate effect is s'·(r' − r) (the part converting worse than it used to).
 */
public final class MixRateSplit {
  private MixRateSplit() {}

  /** One part of the dimension: its baseline and current share of the leads and rate. */
  public record Part(
      String value, double baselineShare, double baselineRate, double share, double rate) {}

  /** One part's contribution to the change. */
  public record Contribution(Part part, double mix, double rate) {
    /** mix + rate. */
    public double total() {
      return mix + rate;
    }
  }

  /** The split: baseline and current total, summed effects, parts by contribution size. */
  public record Result(
      double baselineTotal,
      double currentTotal,
      double mix,
      double rate,
      List<Contribution> parts) {
    /** currentTotal − baselineTotal (= mix + rate). */
    public double change() {
      return currentTotal - baselineTotal;
    }

    /** The largest contribution in the direction of the change. */
    public double largestInDirection() {
      double sign = Math.signum(change());
      return parts.stream().mapToDouble(c -> sign * c.total()).max().orElse(0);
    }
  }

  /**
   * Splits the change. Shares must each sum to 1 over the parts (both are normalised here, so
   * counts may be passed instead of shares). Parts are ordered by the size of their contribution,
   * largest first.
   */
  public static Result split(List<Part> parts) {
    double baselineWeight = 0;
    double weight = 0;
    for (Part p : parts) {
      baselineWeight += p.baselineShare();
      weight += p.share();
    }
    if (baselineWeight <= 0 || weight <= 0) {
      throw new IllegalArgumentException("the parts hold no leads");
    }
    double baselineTotal = 0;
    double currentTotal = 0;
    for (Part p : parts) {
      baselineTotal += p.baselineShare() / baselineWeight * p.baselineRate();
      currentTotal += p.share() / weight * p.rate();
    }
    List<Contribution> out = new ArrayList<>();
    double mix = 0;
    double rate = 0;
    for (Part p : parts) {
      double s0 = p.baselineShare() / baselineWeight;
      double s1 = p.share() / weight;
      Part normalised = new Part(p.value(), s0, p.baselineRate(), s1, p.rate());
      double m = (s1 - s0) * (p.baselineRate() - baselineTotal);
      double r = s1 * (p.rate() - p.baselineRate());
      mix += m;
      rate += r;
      out.add(new Contribution(normalised, m, r));
    }
    out.sort(Comparator.comparingDouble((Contribution c) -> -Math.abs(c.total())));
    return new Result(baselineTotal, currentTotal, mix, rate, List.copyOf(out));
  }
}
