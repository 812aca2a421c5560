package dev.funnel.anomaly;

import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.calendar.Grain;
import dev.funnel.config.AnomalySettings;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.SlaDefinition;
import dev.funnel.config.TargetDefinition;
import dev.funnel.sla.TargetSeries;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Judges every cell of a run from its compact weekly facts: one class of test per kind, every cell
 * and kind contributing one change-point test to a single Benjamini–Hochberg family (see {@code
 * README.md}, "Anomalies", for the method and its measured recall and false-flag rates). Plain
 * Java: the Spark side only aggregates the facts and writes the rows.
 */
public final class AnomalyJudge {
  /** The dimension and value of total cells. */
  public static final String ALL = "(all)";

  /** Complete weeks before the current one judged for volume and SLA compliance. */
  public static final int RECENT_WEEKS = 4;

  /** A relative change at least this large (with strong evidence) is critical. */
  static final double CRITICAL_CHANGE = 0.25;

  /** How close to the lax-gate threshold a jump must bring the pass rate to be a lax gate. */
  static final double LAX_GATE_MARGIN = 0.05;

  /** Power at which the detectable effect is stated. */
  static final double POWER = 0.80;

  /** A baseline week whose leave-one-out |z| exceeds this (p < 0.01) is re-judged out. */
  static final double REJUDGE_Z = 2.576;

  /** The median of a chi-square variable with one degree of freedom. */
  private static final double MEDIAN_CHI_SQUARE_1 = 0.4549364231195724;

  private static final double Z95 = 1.959963984540054;

  /**
   * A pooled run of weeks is tested only when it expects at least this many events and non-events:
   * below that the normal approximation of a count is not trustworthy (a lone lead converting where
   * 0.01 were expected is no evidence of a lax gate).
   */
  static final double MIN_EXPECTED = 5;

  /** The run being judged. */
  public record Context(LocalDate asOfDay, Instant asOf, FunnelConfig config) {}

  /**
   * A target's current period so far: its leads, and their amounts summed and squared.
   *
   * @param target the target
   * @param leads leads whose first entry into the stage falls in the current period so far
   * @param amount their amounts summed (the target's actual for value targets)
   * @param amountSquares their amounts squared and summed
   */
  public record TargetFacts(
      TargetDefinition target, long leads, double amount, double amountSquares) {}

  private final Context context;
  private final AnomalySettings settings;
  private final FunnelCalendar calendar;
  private final AnomalyHistory history;
  private final LocalDate currentWeek;
  private final LocalDate latestMature;
  private final List<LocalDate> conversionWeeks = new ArrayList<>();
  private final List<LocalDate> recentWeeks = new ArrayList<>();
  private final List<Check> weekly = new ArrayList<>();
  private final List<Pending> family = new ArrayList<>();
  private final List<Check> other = new ArrayList<>();
  private final Map<CellKey, ConversionState> conversions = new HashMap<>();
  // Each conversion cell's leave-one-out residuals of its untrimmed baseline weeks.
  private final Map<CellKey, List<ConversionCurve.Residual>> spread = new HashMap<>();
  private Map<CellKey, Map<LocalDate, WeekFacts>> facts = Map.of();

  private AnomalyJudge(Context context, AnomalyHistory history) {
    this.context = context;
    this.settings = context.config().anomalies();
    this.calendar = new FunnelCalendar(context.config().zone());
    this.history = history;
    this.currentWeek = Weeks.monday(context.asOfDay());
    LocalDate w = currentWeek;
    Duration window = context.config().conversionWindow();
    while (!calendar.isMature(Grain.WEEK, w, window, context.asOf())) {
      w = w.minusWeeks(1);
    }
    this.latestMature = w;
    for (LocalDate d = latestMature; !d.isAfter(currentWeek); d = d.plusWeeks(1)) {
      conversionWeeks.add(d);
    }
    for (int i = RECENT_WEEKS; i >= 0; i--) {
      recentWeeks.add(currentWeek.minusWeeks(i));
    }
  }

  /** The first week whose facts the judgement can use: the oldest baseline candidate. */
  public static LocalDate firstWeekNeeded(Context context) {
    AnomalyJudge j = new AnomalyJudge(context, AnomalyHistory.none());
    int back = candidateCount(context.config().anomalies());
    LocalDate a = j.latestMature.minusWeeks(back);
    LocalDate b = j.recentWeeks.get(0).minusWeeks(back);
    return a.isBefore(b) ? a : b;
  }

  private static int candidateCount(AnomalySettings s) {
    return 2 * s.baselinePeriods() + 4;
  }

  /**
   * Judges the run.
   *
   * @param facts weekly facts per cell (weeks without leads may be missing)
   * @param targets the current period of every target
   * @param history earlier runs' checks and flags
   * @return every check: family tests, weekly checks, probability judgements and insufficient
   *     cells, with q-values, flags, severities and messages
   */
  public static List<Check> judge(
      Context context,
      Map<CellKey, Map<LocalDate, WeekFacts>> facts,
      List<TargetFacts> targets,
      AnomalyHistory history) {
    AnomalyJudge judge = new AnomalyJudge(context, history);
    return judge.run(facts, targets);
  }

  private List<Check> run(
      Map<CellKey, Map<LocalDate, WeekFacts>> facts, List<TargetFacts> targets) {
    this.facts = facts;
    List<CellKey> cells = new ArrayList<>(facts.keySet());
    cells.sort(
        java.util.Comparator.comparing((CellKey c) -> context.config().stages().code(c.stage()))
            .thenComparing(c -> c.dimension().equals(ALL) ? "" : c.dimension())
            .thenComparing(CellKey::dimensionValue));
    for (CellKey cell : cells) {
      prepareConversion(cell, facts.get(cell));
    }
    shareOverdispersion(cells);
    for (CellKey cell : cells) {
      Map<LocalDate, WeekFacts> weeks = facts.get(cell);
      conversionTests(cell);
      slowStage(cell, weeks);
      volume(cell, weeks);
      slaCompliance(cell, weeks);
    }
    for (TargetFacts t : targets) {
      targetAtRisk(t);
    }
    return finish();
  }

  // ---------------------------------------------------------------- baselines

  /**
   * The cell's baseline: the first {@code baseline_periods} candidate weeks (newest first) that
   * earlier runs did not flag. Without earlier runs the baseline is re-judged here: while the most
   * extreme week's leave-one-out z against the others exceeds {@link #REJUDGE_Z} (after dividing by
   * √φ̂, φ̂ = max(1, median z² / 0.455), so ordinary overdispersion does not count), it is replaced
   * by the next older candidate, at most half the baseline.
   */
  private List<LocalDate> baseline(
      List<LocalDate> candidates,
      Set<LocalDate> excluded,
      Function<List<LocalDate>, double[]> leaveOneOutZ) {
    int b = settings.baselinePeriods();
    List<LocalDate> pool = new ArrayList<>();
    for (LocalDate c : candidates) {
      if (!excluded.contains(c)) {
        pool.add(c);
      }
    }
    List<LocalDate> chosen = new ArrayList<>(pool.subList(0, Math.min(b, pool.size())));
    if (!history.isEmpty()) {
      return chosen;
    }
    int next = chosen.size();
    for (int removed = 0; removed < b / 2 && chosen.size() >= 3; removed++) {
      double[] z = leaveOneOutZ.apply(chosen);
      double[] squares = new double[z.length];
      int worst = 0;
      for (int i = 0; i < z.length; i++) {
        squares[i] = z[i] * z[i];
        worst = squares[i] > squares[worst] ? i : worst;
      }
      double[] sorted = squares.clone();
      Arrays.sort(sorted);
      double median =
          sorted.length % 2 == 1
              ? sorted[sorted.length / 2]
              : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      double phi = Math.max(1, median / MEDIAN_CHI_SQUARE_1);
      if (squares[worst] / phi <= REJUDGE_Z * REJUDGE_Z) {
        break;
      }
      chosen.remove(worst);
      if (next < pool.size()) {
        chosen.add(pool.get(next++));
      }
    }
    return chosen;
  }

  private List<LocalDate> candidatesBefore(LocalDate firstJudged) {
    List<LocalDate> c = new ArrayList<>();
    for (int i = 1; i <= candidateCount(settings); i++) {
      c.add(firstJudged.minusWeeks(i));
    }
    return c;
  }

  private static WeekFacts week(Map<LocalDate, WeekFacts> weeks, CellKey cell, LocalDate w) {
    WeekFacts f = weeks.get(w);
    return f != null ? f : WeekFacts.empty(cell, w, 0);
  }

  // ---------------------------------------------------------------- conversion

  /** A cell's conversion baseline and its judged weeks' expectations. */
  private record ConversionState(
      ConversionCurve curve, List<Expectation> weeks, long recentLeads, List<LocalDate> base) {}

  private void prepareConversion(CellKey cell, Map<LocalDate, WeekFacts> weeks) {
    if (context.config().stages().code(cell.stage())
        >= context.config().stages().nonTerminalCount()) {
      return;
    }
    Set<LocalDate> excluded = new HashSet<>();
    excluded.addAll(history.flaggedWeeks(AnomalyKind.CONVERSION_DROP, cell));
    excluded.addAll(history.flaggedWeeks(AnomalyKind.LAX_GATE, cell));
    List<LocalDate> base =
        baseline(
            candidatesBefore(latestMature),
            excluded,
            chosen -> conversionLeaveOneOut(cell, weeks, chosen));
    conversions.put(
        cell, judgedAgainst(cell, weeks, ConversionCurve.of(curveWeeks(cell, weeks, base)), base));
    spread.put(cell, spreadResiduals(cell, weeks, excluded));
  }

  /**
   * The residuals behind a conversion cell's week-to-week spread: every candidate week with leads
   * that earlier runs did not flag, newest first, judged in groups of {@code baseline_periods}
   * ({@link ConversionCurve#groupedResiduals}; the newest group is the baseline before re-judging).
   * Suspect weeks are not trimmed: that would make the funnel look calmer than it is.
   */
  private List<ConversionCurve.Residual> spreadResiduals(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, Set<LocalDate> excluded) {
    List<LocalDate> usable = new ArrayList<>();
    for (LocalDate w : candidatesBefore(latestMature)) {
      if (!excluded.contains(w) && week(weeks, cell, w).entered() > 0) {
        usable.add(w);
      }
    }
    return ConversionCurve.groupedResiduals(
        curveWeeks(cell, weeks, usable), settings.baselinePeriods());
  }

  private static List<ConversionCurve.Week> curveWeeks(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> chosen) {
    List<ConversionCurve.Week> out = new ArrayList<>();
    for (LocalDate w : chosen) {
      WeekFacts f = week(weeks, cell, w);
      out.add(new ConversionCurve.Week(f.entered(), f.delayBins()));
    }
    return out;
  }

  /** The cell's judged weeks against a baseline curve. */
  private ConversionState judgedAgainst(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, ConversionCurve curve, List<LocalDate> base) {
    List<Expectation> judged = new ArrayList<>();
    long recent = 0;
    for (LocalDate w : conversionWeeks) {
      WeekFacts f = week(weeks, cell, w);
      judged.add(curve.expect(f.ageBins(), f.fullAge(), f.converted()));
      recent += f.entered();
    }
    return new ConversionState(curve, judged, recent, base);
  }

  /**
   * Replaces each conversion cell's own overdispersion, noisy from a few baseline weeks, with the
   * one estimated across the cells of its stage ({@link StageOverdispersion}), the shared variation
   * at least the funnel's (every stage's cells together), and re-judges its weeks.
   */
  private void shareOverdispersion(List<CellKey> cells) {
    Map<String, List<CellKey>> byStage = new java.util.LinkedHashMap<>();
    for (CellKey cell : cells) {
      if (conversions.containsKey(cell)) {
        byStage.computeIfAbsent(cell.stage(), k -> new ArrayList<>()).add(cell);
      }
    }
    List<List<ConversionCurve.Residual>> funnel = new ArrayList<>();
    // The stages' weekly factors are their own, so the funnel's τ² has the stages' weeks together.
    double funnelWeeksDf = 0;
    for (List<CellKey> stage : byStage.values()) {
      List<List<ConversionCurve.Residual>> residuals = new ArrayList<>();
      for (CellKey cell : stage) {
        residuals.add(spread.get(cell));
      }
      funnel.addAll(residuals);
      funnelWeeksDf += StageOverdispersion.weeklyDegreesOfFreedom(residuals);
    }
    double funnelShared = StageOverdispersion.sharedRelativeVariance(funnel);
    int breakdowns = 1 + context.config().dimensions().size();
    double funnelDf = StageOverdispersion.sharedDegreesOfFreedom(funnel, funnelWeeksDf, breakdowns);
    for (List<CellKey> stage : byStage.values()) {
      List<List<ConversionCurve.Residual>> residuals = new ArrayList<>();
      for (CellKey cell : stage) {
        residuals.add(spread.get(cell));
      }
      List<StageOverdispersion.Estimate> estimates =
          StageOverdispersion.estimate(residuals, funnelShared, funnelDf, breakdowns);
      for (int i = 0; i < stage.size(); i++) {
        CellKey cell = stage.get(i);
        ConversionState s = conversions.get(cell);
        StageOverdispersion.Estimate e = estimates.get(i);
        conversions.put(
            cell,
            judgedAgainst(
                cell, facts.get(cell), s.curve().withOverdispersion(e.phi(), e.df()), s.base()));
      }
    }
  }

  private static double[] conversionLeaveOneOut(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> chosen) {
    long leads = 0;
    long converted = 0;
    for (LocalDate w : chosen) {
      WeekFacts f = week(weeks, cell, w);
      leads += f.entered();
      converted += WeekFacts.sum(f.delayBins());
    }
    double[] z = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      WeekFacts f = week(weeks, cell, chosen.get(i));
      z[i] = proportionZ(WeekFacts.sum(f.delayBins()), f.entered(), converted, leads);
    }
    return z;
  }

  /** z of one week's proportion against the others' pooled proportion (0 when undefined). */
  private static double proportionZ(long hits, long n, long totalHits, long totalN) {
    long others = totalN - n;
    if (n == 0 || others == 0) {
      return 0;
    }
    double f = (double) (totalHits - hits) / others;
    double var = n * f * (1 - f) * (1 + (double) n / others);
    return var > 0 ? (hits - n * f) / Math.sqrt(var) : 0;
  }

  private boolean conversionSufficient(ConversionState s) {
    return s.recentLeads() >= settings.minLeads()
        && s.curve().leads() >= settings.minLeads()
        && s.base().size() >= 2;
  }

  private String conversionName(CellKey cell) {
    int code = context.config().stages().code(cell.stage());
    return Messages.stage(cell.stage())
        + " → "
        + Messages.stage(context.config().stages().name(code + 1))
        + " conversion";
  }

  private void conversionTests(CellKey cell) {
    ConversionState s = conversions.get(cell);
    if (s == null) {
      return;
    }
    if (!conversionSufficient(s)) {
      insufficient(
          cell,
          "conversion_rate",
          s.recentLeads(),
          "leads",
          conversionName(cell) + " " + Messages.who(cell),
          conversionWeeks.get(0));
      return;
    }
    List<Check> dropWeeks =
        weeklyChecks(
            AnomalyKind.CONVERSION_DROP,
            cell,
            s.weeks(),
            ChangePoint.Tail.LOWER,
            "conversion_rate",
            conversionWeeks);
    List<Check> laxWeeks =
        weeklyChecks(
            AnomalyKind.LAX_GATE,
            cell,
            s.weeks(),
            ChangePoint.Tail.UPPER,
            "pass_rate",
            conversionWeeks);
    String name = conversionName(cell);
    ChangePoint.Result drop = ChangePoint.scan(s.weeks(), ChangePoint.Tail.LOWER, this::usableRate);
    if (drop != null) {
      Expectation p = drop.pooled();
      boolean single = drop.start() == conversionWeeks.size() - 1;
      LocalDate start = conversionWeeks.get(drop.start());
      family.add(
          new Pending(
              rateCheck(
                  AnomalyKind.CONVERSION_DROP, cell, start, "conversion_rate", p, drop.adjustedP()),
              Expectation.pool(s.weeks()),
              drop::perTestLevel,
              dropWeeks.subList(drop.start(), dropWeeks.size()),
              q ->
                  String.format(
                      java.util.Locale.ROOT,
                      "%s %s fell to %s (expected %s at the same age, %s leads, %s) %s.",
                      name,
                      Messages.who(cell),
                      Messages.percent(p.observed() / p.n()),
                      Messages.percent(p.expected() / p.n()),
                      Messages.count(p.n()),
                      Messages.q(q),
                      Messages.when(start, single))));
    }
    laxGate(cell, s, laxWeeks, name);
    Double floor = settings.conversionFloors().get(cell.stage());
    if (floor != null && s.curve().matureRate() > 0) {
      floorTest(cell, s, floor, name);
    }
  }

  private void laxGate(CellKey cell, ConversionState s, List<Check> laxWeeks, String name) {
    double threshold = settings.laxGatePassRate();
    double mature = s.curve().matureRate();
    ChangePoint.Result jump = ChangePoint.scan(s.weeks(), ChangePoint.Tail.UPPER, this::usableRate);
    double pJump = 1;
    int start = s.weeks().size() - 1;
    Expectation pooled = Expectation.pool(s.weeks());
    if (jump != null && jump.pooled().expected() > 0) {
      double estimate = Math.min(1, jump.pooled().observed() / jump.pooled().expected() * mature);
      if (estimate >= threshold - LAX_GATE_MARGIN) {
        pJump = jump.adjustedP();
        start = jump.start();
        pooled = jump.pooled();
      }
    }
    // A gate that is lax all along: the pooled recent weeks against the threshold itself.
    double pLevel = 1;
    Expectation all = Expectation.pool(s.weeks());
    if (mature >= threshold - LAX_GATE_MARGIN && all.expected() > 0) {
      double scale = threshold / mature;
      Expectation atThreshold = scaled(s, scale);
      pLevel = atThreshold.pValue(ChangePoint.Tail.UPPER);
    }
    if (pJump == 1 && pLevel == 1) {
      // Neither a jump towards the threshold nor a gate near it all along: this cell is no
      // lax-gate candidate, and a test that cannot flag would only enlarge the family.
      return;
    }
    // Both questions asked of one cell: Bonferroni over the two.
    double p =
        pJump < 1 && pLevel < 1
            ? Math.min(1, 2 * Math.min(pJump, pLevel))
            : Math.min(pJump, pLevel);
    if (pLevel < pJump) {
      start = 0;
      pooled = all;
    }
    Expectation fp = pooled;
    LocalDate from = conversionWeeks.get(start);
    boolean single = start == conversionWeeks.size() - 1;
    double estimate = fp.expected() > 0 ? Math.min(1, fp.observed() / fp.expected() * mature) : 0;
    String next = nextStageNote(cell, start);
    family.add(
        new Pending(
            rateCheck(AnomalyKind.LAX_GATE, cell, from, "pass_rate", fp, p),
            all,
            level -> level / conversionWeeks.size(),
            laxWeeks.subList(start, laxWeeks.size()),
            q ->
                String.format(
                    java.util.Locale.ROOT,
                    "Nearly everyone passes %s %s: %s moved on (expected %s at the same age),"
                        + " heading for %s once mature against a lax-gate threshold of %s"
                        + " (%s leads, %s) %s.%s",
                    Messages.stage(cell.stage()),
                    Messages.who(cell),
                    Messages.percent(fp.observed() / fp.n()),
                    Messages.percent(fp.expected() / fp.n()),
                    Messages.percent(estimate),
                    Messages.percent(threshold),
                    Messages.count(fp.n()),
                    Messages.q(q),
                    Messages.when(from, single),
                    next)));
  }

  /** Expectations of the cell's judged weeks with the curve scaled (capped at 1 per lead). */
  private Expectation scaled(ConversionState s, double scale) {
    List<Expectation> out = new ArrayList<>();
    for (Expectation e : s.weeks()) {
      double mean = e.n() == 0 ? 0 : e.expected() / e.n();
      double m = Math.min(1, mean * scale);
      double noise = e.n() * m * (1 - m) * s.curve().overdispersion();
      out.add(new Expectation(e.n(), e.observed(), e.n() * m, noise, 0, e.degreesOfFreedom()));
    }
    return Expectation.pool(out);
  }

  /** The next stage's conversion of the same cell over the same weeks, when it fell. */
  private String nextStageNote(CellKey cell, int start) {
    int code = context.config().stages().code(cell.stage());
    if (code + 1 >= context.config().stages().nonTerminalCount()) {
      return "";
    }
    CellKey next =
        new CellKey(
            context.config().stages().name(code + 1), cell.dimension(), cell.dimensionValue());
    ConversionState n = conversions.get(next);
    if (n == null || !conversionSufficient(n)) {
      return "";
    }
    Expectation p = Expectation.pool(n.weeks().subList(start, n.weeks().size()));
    if (p.n() == 0 || p.z() > -2) {
      return "";
    }
    return String.format(
        java.util.Locale.ROOT,
        " At the same time the next stage's %s %s fell to %s (expected %s).",
        conversionName(next),
        Messages.who(next),
        Messages.percent(p.observed() / p.n()),
        Messages.percent(p.expected() / p.n()));
  }

  private void floorTest(CellKey cell, ConversionState s, double floor, String name) {
    double scale = floor / s.curve().matureRate();
    List<Expectation> atFloor = new ArrayList<>();
    for (Expectation e : s.weeks()) {
      double mean = e.n() == 0 ? 0 : e.expected() / e.n();
      double m = Math.min(1, mean * scale);
      atFloor.add(
          new Expectation(
              e.n(),
              e.observed(),
              e.n() * m,
              e.n() * m * (1 - m) * s.curve().overdispersion(),
              0,
              e.degreesOfFreedom()));
    }
    ChangePoint.Result r = ChangePoint.scan(atFloor, ChangePoint.Tail.LOWER, this::usableRate);
    if (r == null) {
      return;
    }
    Expectation p = r.pooled();
    double estimate = p.expected() > 0 ? Math.min(1, p.observed() / p.expected() * floor) : 0;
    LocalDate start = conversionWeeks.get(r.start());
    boolean single = r.start() == conversionWeeks.size() - 1;
    double sd = p.expected() > 0 ? Math.sqrt(p.variance()) / p.expected() * floor : 0;
    Check c =
        Check.test(
            AnomalyKind.CONVERSION_FLOOR,
            Grain.WEEK.label(),
            start,
            cell,
            "conversion_rate",
            estimate,
            floor,
            floor - Z95 * sd,
            floor + Z95 * sd,
            p.n(),
            r.adjustedP(),
            Math.max(0, (floor - estimate) / floor));
    family.add(
        new Pending(
            c,
            Expectation.pool(atFloor),
            r::perTestLevel,
            List.of(),
            q ->
                String.format(
                    java.util.Locale.ROOT,
                    "%s %s is heading for %s once mature, below the floor of %s (%s leads, %s) %s.",
                    name,
                    Messages.who(cell),
                    Messages.percent(estimate),
                    Messages.percent(floor),
                    Messages.count(p.n()),
                    Messages.q(q),
                    Messages.when(start, single))));
  }

  /** A rate check of pooled weeks: observed and expected rates with the 95% band. */
  private Check rateCheck(
      AnomalyKind kind,
      CellKey cell,
      LocalDate start,
      String metric,
      Expectation p,
      double pValue) {
    double n = Math.max(1, p.n());
    double sd = Math.sqrt(p.variance());
    return Check.test(
        kind,
        Grain.WEEK.label(),
        start,
        cell,
        metric,
        p.observed() / n,
        p.expected() / n,
        Math.max(0, (p.expected() - Z95 * sd) / n),
        (p.expected() + Z95 * sd) / n,
        p.n(),
        pValue,
        p.expected() > 0 ? Math.abs(p.observed() - p.expected()) / p.expected() : 0);
  }

  /**
   * One check per judged week, for the charts: rates as shares of the week's leads, volumes ({@code
   * entered}) as counts; the p-value is the week's own, outside the family.
   */
  private List<Check> weeklyChecks(
      AnomalyKind kind,
      CellKey cell,
      List<Expectation> weeks,
      ChangePoint.Tail tail,
      String metric,
      List<LocalDate> days) {
    boolean counts = metric.equals("entered");
    List<Check> out = new ArrayList<>();
    for (int i = 0; i < weeks.size(); i++) {
      Expectation e = weeks.get(i);
      boolean known = counts ? e.expected() > 0 || e.observed() > 0 : e.n() > 0;
      double scale = counts ? 1 : Math.max(1, e.n());
      double sd = Math.sqrt(e.variance());
      long n = counts ? Math.round(e.observed()) : e.n();
      Check c =
          new Check(
              kind,
              Severity.WARNING,
              Grain.WEEK.label(),
              days.get(i),
              cell,
              metric,
              known ? e.observed() / scale : null,
              known ? e.expected() / scale : null,
              known ? Math.max(0, (e.expected() - Z95 * sd) / scale) : null,
              known ? (e.expected() + Z95 * sd) / scale : null,
              n,
              known ? e.pValue(tail) : null,
              null,
              null,
              null,
              known
                  ? String.format(
                      java.util.Locale.ROOT,
                      "Week of %s %s: %s observed against %s expected (%s %s).",
                      days.get(i),
                      Messages.who(cell),
                      format(metric, e.observed() / scale),
                      format(metric, e.expected() / scale),
                      Messages.count(counts ? e.observed() : e.n()),
                      metric.equals("exit_rate") ? "visits" : "leads")
                  : String.format(
                      java.util.Locale.ROOT,
                      "Week of %s %s: no leads.",
                      days.get(i),
                      Messages.who(cell)),
              false,
              false,
              e.expected() > 0 ? Math.abs(e.observed() - e.expected()) / e.expected() : 0);
      out.add(c);
    }
    weekly.addAll(out);
    return out;
  }

  private static String format(String metric, double value) {
    return metric.equals("entered") ? Messages.count(value) : Messages.percent(value);
  }

  // ---------------------------------------------------------------- time in stage

  private void slowStage(CellKey cell, Map<LocalDate, WeekFacts> weeks) {
    if (context.config().stages().code(cell.stage())
        >= context.config().stages().nonTerminalCount()) {
      return;
    }
    List<LocalDate> base =
        baseline(
            candidatesBefore(latestMature),
            history.flaggedWeeks(AnomalyKind.SLOW_STAGE, cell),
            chosen -> slowLeaveOneOut(cell, weeks, chosen));
    long[][] baseBins = sumBins(cell, weeks, base);
    long recentVisits = 0;
    for (LocalDate w : conversionWeeks) {
      recentVisits += week(weeks, cell, w).visits();
    }
    long baseVisits = WeekFacts.sum(baseBins[0]) + WeekFacts.sum(baseBins[1]);
    if (recentVisits < settings.minLeads() || baseVisits < settings.minLeads() || base.size() < 2) {
      insufficient(
          cell,
          "exit_rate",
          recentVisits,
          "visits",
          "time in " + Messages.stage(cell.stage()) + " " + Messages.who(cell),
          conversionWeeks.get(0));
      return;
    }
    double phi = 1;
    double[] z =
        groupedLeaveOneOut(
            cell,
            weeks,
            history.flaggedWeeks(AnomalyKind.SLOW_STAGE, cell),
            f -> f.visits() > 0,
            chosen -> slowLeaveOneOut(cell, weeks, chosen));
    if (z.length > 0) {
      double s = 0;
      for (double v : z) {
        s += v * v;
      }
      phi = Math.max(1, s / z.length);
    }
    double df = Expectation.overdispersedDf(phi, z.length);
    int k = conversionWeeks.size();
    LogRank.Result best = null;
    int bestStart = -1;
    double bestP = 2;
    int tried = 0;
    List<Expectation> weeklyTests = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long[][] one = sumBins(cell, weeks, List.of(conversionWeeks.get(i)));
      LogRank.Result r =
          LogRank.test(one[0], one[1], baseBins[0], baseBins[1], cut(conversionWeeks.get(i)));
      weeklyTests.add(
          new Expectation(
              r.recentAtStart(), r.observed(), r.expected(), r.variance() * phi, 0, df));
    }
    List<Check> slowWeeks =
        weeklyChecks(
            AnomalyKind.SLOW_STAGE,
            cell,
            weeklyTests,
            ChangePoint.Tail.LOWER,
            "exit_rate",
            conversionWeeks);
    for (int t = k - 1; t >= 0; t--) {
      List<LocalDate> suffix = conversionWeeks.subList(t, k);
      long[][] recent = sumBins(cell, weeks, suffix);
      if (WeekFacts.sum(recent[0]) + WeekFacts.sum(recent[1]) == 0) {
        continue;
      }
      tried++;
      LogRank.Result r =
          LogRank.test(recent[0], recent[1], baseBins[0], baseBins[1], cut(suffix.get(0)));
      double p =
          new Expectation(r.recentAtStart(), r.observed(), r.expected(), r.variance() * phi, 0, df)
              .pValue(ChangePoint.Tail.LOWER);
      if (p < bestP) {
        bestP = p;
        best = r;
        bestStart = t;
      }
    }
    if (best == null) {
      return;
    }
    // Log-rank suffixes share their risk sets with the baseline, so their correlations are not the
    // simple nested ones: Bonferroni over the suffixes tried.
    int suffixes = tried;
    LogRank.Result r = best;
    int start = bestStart;
    LocalDate from = conversionWeeks.get(start);
    boolean single = start == k - 1;
    long[][] recent = sumBins(cell, weeks, conversionWeeks.subList(start, k));
    int bins = cut(from);
    Double recentMedian = BinnedSurvival.median(recent[0], recent[1], bins);
    Double baseMedian = BinnedSurvival.median(baseBins[0], baseBins[1], bins);
    double n = Math.max(1, r.recentAtStart());
    double sd = Math.sqrt(r.variance() * phi);
    Check c =
        Check.test(
            AnomalyKind.SLOW_STAGE,
            Grain.WEEK.label(),
            from,
            cell,
            "exit_rate",
            r.observed() / n,
            r.expected() / n,
            Math.max(0, (r.expected() - Z95 * sd) / n),
            (r.expected() + Z95 * sd) / n,
            r.recentAtStart(),
            Math.min(1, bestP * tried),
            r.expected() > 0 ? Math.abs(r.observed() - r.expected()) / r.expected() : 0);
    LogRank.Result all =
        LogRank.test(
            sumBins(cell, weeks, conversionWeeks)[0],
            sumBins(cell, weeks, conversionWeeks)[1],
            baseBins[0],
            baseBins[1],
            cut(conversionWeeks.get(0)));
    String medians =
        recentMedian != null && baseMedian != null
            ? "median "
                + Messages.duration(recentMedian)
                + " against "
                + Messages.duration(baseMedian)
                + " in the baseline"
            : baseMedian != null
                ? "more than half still in the stage after "
                    + Messages.duration(DurationBins.upper(bins - 1))
                    + ", against a baseline median of "
                    + Messages.duration(baseMedian)
                : String.format(
                    java.util.Locale.ROOT,
                    "%s of the visits left against %s expected",
                    Messages.count(r.observed()),
                    Messages.count(r.expected()));
    family.add(
        new Pending(
            c,
            new Expectation(
                all.recentAtStart(), all.observed(), all.expected(), all.variance() * phi, 0, df),
            level -> level / suffixes,
            slowWeeks.subList(start, slowWeeks.size()),
            q ->
                String.format(
                    java.util.Locale.ROOT,
                    "Leads stay longer in %s %s: %s (Kaplan–Meier, open visits counted; %s visits,"
                        + " %s) %s.",
                    Messages.stage(cell.stage()),
                    Messages.who(cell),
                    medians,
                    Messages.count(r.recentAtStart()),
                    Messages.q(q),
                    Messages.when(from, single))));
  }

  /** Bins compared for recent visits from a week on: up to the oldest one's age. */
  private int cut(LocalDate firstWeek) {
    double hours =
        Duration.between(calendar.periodBegin(firstWeek), context.asOf()).toNanos() / 3.6e12;
    return DurationBins.bin(hours) + 1;
  }

  private static long[][] sumBins(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> which) {
    long[] exits = new long[0];
    long[] censored = new long[0];
    for (LocalDate w : which) {
      WeekFacts f = week(weeks, cell, w);
      exits = add(exits, f.exitBins());
      censored = add(censored, f.censoredBins());
    }
    return new long[][] {exits, censored};
  }

  private static long[] add(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, Math.max(a.length, b.length));
    for (int i = 0; i < b.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  /**
   * A cell's own spread on more weeks than its baseline, as conversions' is measured: the
   * leave-one-out z of every candidate week that earlier runs did not flag and that is {@code
   * usable}, newest first, each judged against the others of its group ({@link Weeks#spreadGroups}
   * of {@code baseline_periods}).
   */
  private double[] groupedLeaveOneOut(
      CellKey cell,
      Map<LocalDate, WeekFacts> weeks,
      Set<LocalDate> excluded,
      java.util.function.Predicate<WeekFacts> usable,
      Function<List<LocalDate>, double[]> leaveOneOutZ) {
    List<LocalDate> candidates = new ArrayList<>();
    for (LocalDate w : candidatesBefore(latestMature)) {
      if (!excluded.contains(w) && usable.test(week(weeks, cell, w))) {
        candidates.add(w);
      }
    }
    List<Double> out = new ArrayList<>();
    for (List<LocalDate> group : Weeks.spreadGroups(candidates, settings.baselinePeriods())) {
      for (double v : leaveOneOutZ.apply(group)) {
        out.add(v);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] slowLeaveOneOut(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> chosen) {
    double[] z = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      List<LocalDate> others = new ArrayList<>(chosen);
      others.remove(i);
      long[][] one = sumBins(cell, weeks, List.of(chosen.get(i)));
      long[][] rest = sumBins(cell, weeks, others);
      int bins =
          Math.max(
              Math.max(one[0].length, one[1].length), Math.max(rest[0].length, rest[1].length));
      z[i] = LogRank.test(one[0], one[1], rest[0], rest[1], bins).z();
    }
    return z;
  }

  // ---------------------------------------------------------------- volume

  private void volume(CellKey cell, Map<LocalDate, WeekFacts> weeks) {
    if (context.config().stages().code(cell.stage())
        >= context.config().stages().nonTerminalCount()) {
      return;
    }
    List<LocalDate> base =
        baseline(
            candidatesBefore(recentWeeks.get(0)),
            history.flaggedWeeks(AnomalyKind.VOLUME_DROP, cell),
            chosen ->
                cell.dimension().equals(ALL)
                    ? volumeLeaveOneOut(cell, weeks, chosen)
                    : shareLeaveOneOut(cell, weeks, chosen));
    long baseTotal = 0;
    for (LocalDate w : base) {
      baseTotal += week(weeks, cell, w).entered();
    }
    long recentTotal = 0;
    for (LocalDate w : recentWeeks) {
      recentTotal += week(weeks, cell, w).entered();
    }
    if (baseTotal < settings.minLeads() || base.size() < 2) {
      insufficient(
          cell,
          "entered",
          recentTotal,
          "leads",
          "the volume entering " + Messages.stage(cell.stage()) + " " + Messages.who(cell),
          recentWeeks.get(0));
      return;
    }
    List<Expectation> levels = volumeLevels(cell, weeks, base);
    List<Expectation> judged =
        cell.dimension().equals(ALL) ? levels : volumeShares(cell, weeks, base);
    List<Check> volumeWeeks =
        weeklyChecks(
            AnomalyKind.VOLUME_DROP, cell, judged, ChangePoint.Tail.LOWER, "entered", recentWeeks);
    ChangePoint.Result r =
        ChangePoint.scan(judged, ChangePoint.Tail.LOWER, e -> e.expected() >= MIN_EXPECTED);
    if (r == null) {
      return;
    }
    Expectation p = r.pooled();
    Expectation level = Expectation.pool(levels.subList(r.start(), levels.size()));
    if (level.observed() >= level.expected()) {
      // The value's share fell only because another value surged: its own volume did not drop,
      // so it is no candidate (and a test that cannot be a drop would only enlarge the family).
      return;
    }
    LocalDate from = recentWeeks.get(r.start());
    boolean single = r.start() == recentWeeks.size() - 1;
    double sd = Math.sqrt(p.variance());
    Check c =
        Check.test(
            AnomalyKind.VOLUME_DROP,
            Grain.WEEK.label(),
            from,
            cell,
            "entered",
            p.observed(),
            p.expected(),
            Math.max(0, p.expected() - Z95 * sd),
            p.expected() + Z95 * sd,
            Math.round(p.observed()),
            r.adjustedP(),
            p.expected() > 0 ? Math.abs(p.observed() - p.expected()) / p.expected() : 0);
    boolean partial = context.asOf().isBefore(calendar.periodEnd(Grain.WEEK, currentWeek));
    family.add(
        new Pending(
            c,
            Expectation.pool(judged),
            r::perTestLevel,
            volumeWeeks.subList(r.start(), volumeWeeks.size()),
            q ->
                String.format(
                    java.util.Locale.ROOT,
                    "Fewer leads entered %s %s: %s against %s expected from the baseline weeks"
                        + "%s (%s) %s.",
                    Messages.stage(cell.stage()),
                    Messages.who(cell),
                    Messages.count(p.observed()),
                    Messages.count(p.expected()),
                    partial
                        ? ", the current week compared with the same part of a baseline week"
                        : "",
                    Messages.q(q),
                    Messages.when(from, single))));
  }

  /**
   * The total's volume: each judged week's entries against the linear trend of the baseline weeks
   * (least squares over their week numbers, so that growth and seasonal swings are followed, not
   * mistaken for a drop), with quasi-Poisson noise {@code max(μ, s²)} (s² the residual variance)
   * and the trend's own prediction error {@code max(ȳ, s²)·(1/B + (x − x̄)²/Sxx)}; the current
   * partial week against the trend of the baseline weeks' entries up to the same local weekday and
   * time.
   */
  private List<Expectation> volumeLevels(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> base) {
    List<Expectation> judged = new ArrayList<>();
    int b = base.size();
    for (LocalDate w : recentWeeks) {
      boolean current = w.equals(currentWeek);
      double[] x = new double[b];
      double[] y = new double[b];
      for (int i = 0; i < b; i++) {
        WeekFacts f = week(weeks, cell, base.get(i));
        x[i] = java.time.temporal.ChronoUnit.WEEKS.between(recentWeeks.get(0), base.get(i));
        y[i] = current ? f.enteredByElapsed() : f.entered();
      }
      double at = java.time.temporal.ChronoUnit.WEEKS.between(recentWeeks.get(0), w);
      double mx = mean(x);
      double my = mean(y);
      double sxx = 0;
      double sxy = 0;
      for (int i = 0; i < b; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
      }
      double slope = sxx > 0 && b > 2 ? sxy / sxx : 0;
      double residual = 0;
      for (int i = 0; i < b; i++) {
        double e = y[i] - (my + slope * (x[i] - mx));
        residual += e * e;
      }
      double s2 = b > 2 ? residual / (b - 2) : variance(y, my);
      double mu = Math.max(0, my + slope * (at - mx));
      double noise = Math.max(mu, s2);
      double leverage = 1.0 / b + (sxx > 0 ? (at - mx) * (at - mx) / sxx : 0);
      double entered = week(weeks, cell, w).entered();
      // When s² exceeds the Poisson μ, its excess rests on b − 2 weeks
      // (Expectation#overdispersedDf).
      double df =
          mu > 0
              ? Expectation.overdispersedDf(noise / mu, Math.max(1, b - 2))
              : Double.POSITIVE_INFINITY;
      judged.add(
          new Expectation(
              Math.round(entered), entered, mu, noise, Math.max(my, s2) * leverage, df));
    }
    return judged;
  }

  /**
   * A dimension value's volume: its share of the stage's entries each judged week against its share
   * in the baseline weeks (quasi-binomial, φ from the baseline weeks' shares). Seasonality, growth
   * and week-to-week swings of the whole funnel cancel out; a drop of the whole funnel is the
   * total's flag.
   */
  private List<Expectation> volumeShares(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> base) {
    CellKey total = new CellKey(cell.stage(), ALL, ALL);
    Map<LocalDate, WeekFacts> totals = facts.getOrDefault(total, Map.of());
    List<ConversionCurve.Week> shares = new ArrayList<>();
    for (LocalDate w : base) {
      shares.add(
          new ConversionCurve.Week(
              week(totals, total, w).entered(), new long[] {week(weeks, cell, w).entered()}));
    }
    ConversionCurve curve = ConversionCurve.of(shares);
    List<Expectation> judged = new ArrayList<>();
    for (LocalDate w : recentWeeks) {
      judged.add(
          curve.expect(
              new long[0], week(totals, total, w).entered(), week(weeks, cell, w).entered()));
    }
    return judged;
  }

  private double[] shareLeaveOneOut(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> chosen) {
    CellKey total = new CellKey(cell.stage(), ALL, ALL);
    Map<LocalDate, WeekFacts> totals = facts.getOrDefault(total, Map.of());
    long hits = 0;
    long n = 0;
    for (LocalDate w : chosen) {
      hits += week(weeks, cell, w).entered();
      n += week(totals, total, w).entered();
    }
    double[] z = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      LocalDate w = chosen.get(i);
      z[i] = proportionZ(week(weeks, cell, w).entered(), week(totals, total, w).entered(), hits, n);
    }
    return z;
  }

  /** Pooled weeks of a rate large enough for the normal approximation. */
  private boolean usableRate(Expectation e) {
    return e.n() >= settings.minLeads()
        && e.expected() >= MIN_EXPECTED
        && e.n() - e.expected() >= MIN_EXPECTED;
  }

  private static double[] volumeLeaveOneOut(
      CellKey cell, Map<LocalDate, WeekFacts> weeks, List<LocalDate> chosen) {
    double[] counts = new double[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      counts[i] = week(weeks, cell, chosen.get(i)).entered();
    }
    double[] z = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      double[] others = new double[counts.length - 1];
      for (int j = 0, k = 0; j < counts.length; j++) {
        if (j != i) {
          others[k++] = counts[j];
        }
      }
      double m = mean(others);
      double v = Math.max(m, variance(others, m)) * (1 + 1.0 / others.length);
      z[i] = v > 0 ? (counts[i] - m) / Math.sqrt(v) : 0;
    }
    return z;
  }

  private static double mean(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return values.length == 0 ? 0 : s / values.length;
  }

  private static double variance(double[] values, double mean) {
    if (values.length < 2) {
      return 0;
    }
    double s = 0;
    for (double v : values) {
      s += (v - mean) * (v - mean);
    }
    return s / (values.length - 1);
  }

  // ---------------------------------------------------------------- SLA compliance

  private void slaCompliance(CellKey cell, Map<LocalDate, WeekFacts> weeks) {
    List<SlaDefinition> slas = context.config().slas();
    for (int i = 0; i < slas.size(); i++) {
      if (slas.get(i).stage().equals(cell.stage())) {
        sla(cell, weeks, i, slas.get(i));
      }
    }
  }

  private void sla(CellKey cell, Map<LocalDate, WeekFacts> weeks, int index, SlaDefinition sla) {
    List<LocalDate> base =
        baseline(
            candidatesBefore(recentWeeks.get(0)),
            history.flaggedWeeks(AnomalyKind.SLA_BREACH_RATE, cell),
            chosen -> {
              long met = 0;
              long decided = 0;
              for (LocalDate w : chosen) {
                WeekFacts f = week(weeks, cell, w);
                met += at(f.slaMet(), index);
                decided += at(f.slaMet(), index) + at(f.slaBreached(), index);
              }
              double[] z = new double[chosen.size()];
              for (int k = 0; k < chosen.size(); k++) {
                WeekFacts f = week(weeks, cell, chosen.get(k));
                long m = at(f.slaMet(), index);
                z[k] = proportionZ(m, m + at(f.slaBreached(), index), met, decided);
              }
              return z;
            });
    List<ConversionCurve.Week> baseWeeks = new ArrayList<>();
    for (LocalDate w : base) {
      WeekFacts f = week(weeks, cell, w);
      long met = at(f.slaMet(), index);
      baseWeeks.add(new ConversionCurve.Week(met + at(f.slaBreached(), index), new long[] {met}));
    }
    ConversionCurve curve = ConversionCurve.of(baseWeeks);
    List<Expectation> judged = new ArrayList<>();
    long decided = 0;
    for (LocalDate w : recentWeeks) {
      WeekFacts f = week(weeks, cell, w);
      long met = at(f.slaMet(), index);
      long d = met + at(f.slaBreached(), index);
      decided += d;
      judged.add(curve.expect(new long[0], d, met));
    }
    String what = "compliance with SLA " + sla.name() + " " + Messages.who(cell);
    if (decided < settings.minLeads() || curve.leads() < settings.minLeads()) {
      insufficient(
          cell, "compliance_rate", decided, "worked or breached leads", what, recentWeeks.get(0));
      return;
    }
    List<Check> slaWeeks =
        weeklyChecks(
            AnomalyKind.SLA_BREACH_RATE,
            cell,
            judged,
            ChangePoint.Tail.LOWER,
            "compliance_rate",
            recentWeeks);
    ChangePoint.Result r = ChangePoint.scan(judged, ChangePoint.Tail.LOWER, this::usableRate);
    Double minimum = settings.slaMinCompliance().get(sla.name());
    ChangePoint.Result rm = null;
    if (minimum != null) {
      List<Expectation> atMin = new ArrayList<>();
      for (Expectation e : judged) {
        atMin.add(
            new Expectation(
                e.n(),
                e.observed(),
                e.n() * minimum,
                e.n() * minimum * (1 - minimum) * curve.overdispersion(),
                0,
                e.degreesOfFreedom()));
      }
      rm = ChangePoint.scan(atMin, ChangePoint.Tail.LOWER, this::usableRate);
    }
    if (r == null) {
      return;
    }
    boolean belowMinimum = rm != null && rm.adjustedP() < r.adjustedP();
    ChangePoint.Result used = belowMinimum ? rm : r;
    double p =
        minimum == null ? r.adjustedP() : Math.min(1, 2 * Math.min(r.adjustedP(), rm.adjustedP()));
    Expectation pooled = used.pooled();
    LocalDate from = recentWeeks.get(used.start());
    boolean single = used.start() == recentWeeks.size() - 1;
    Check c = rateCheck(AnomalyKind.SLA_BREACH_RATE, cell, from, "compliance_rate", pooled, p);
    double observed = pooled.n() == 0 ? 0 : pooled.observed() / pooled.n();
    if (belowMinimum) {
      c =
          new Check(
              c.kind(),
              c.severity(),
              c.grain(),
              c.periodStart(),
              c.cell(),
              c.metric(),
              c.observed(),
              c.expected(),
              c.lower(),
              c.upper(),
              c.n(),
              c.pValue(),
              null,
              null,
              null,
              "",
              false,
              true,
              Math.max(0, (minimum - observed) / minimum));
    }
    Check check = c;
    family.add(
        new Pending(
            check,
            Expectation.pool(judged),
            used::perTestLevel,
            slaWeeks.subList(used.start(), slaWeeks.size()),
            q ->
                String.format(
                    java.util.Locale.ROOT,
                    "Compliance with SLA %s (%s within %s hours) %s fell to %s (%s, %s leads, %s) %s.",
                    sla.name(),
                    Messages.stage(sla.stage()),
                    Messages.count(sla.withinHours()),
                    Messages.who(cell),
                    Messages.percent(observed),
                    belowMinimum
                        ? "agreed minimum " + Messages.percent(minimum)
                        : "expected "
                            + Messages.percent(pooled.expected() / Math.max(1, pooled.n())),
                    Messages.count(pooled.n()),
                    Messages.q(q),
                    Messages.when(from, single))));
  }

  private static long at(long[] values, int i) {
    return i < values.length ? values[i] : 0;
  }

  // ---------------------------------------------------------------- targets

  /**
   * A target's current period at risk: the rest of the period is projected at the current pace,
   * {@code remaining = actual·(1−f)/f} for the elapsed fraction f, with variance {@code Σa²·(1−f)/f
   * + remaining²/leads} (compound Poisson arrivals plus the pace's own error; amounts a are 1 for
   * lead targets). Flagged when {@code P(total < goal) > 0.5}.
   */
  private void targetAtRisk(TargetFacts t) {
    TargetDefinition target = t.target();
    boolean leads = target.kind() == TargetDefinition.Kind.LEADS;
    double actual = leads ? t.leads() : t.amount();
    LocalDate periodStart = target.period().periodStart(context.asOfDay());
    List<TargetSeries.Row> rows =
        TargetSeries.of(
            target, Map.of(periodStart, actual), calendar, context.asOfDay(), context.asOf());
    TargetSeries.Row row = rows.get(rows.size() - 1);
    CellKey cell = new CellKey(target.stage(), ALL, ALL);
    String metric = leads ? "projected_leads" : "projected_amount";
    if (row.complete()) {
      return;
    }
    if (t.leads() == 0) {
      insufficient(cell, metric, 0, "leads", "target " + target.name(), periodStart);
      return;
    }
    double f = row.elapsedFraction();
    double squares = leads ? t.leads() : t.amountSquares();
    double remaining = actual * (1 - f) / f;
    double var = squares * (1 - f) / f + remaining * remaining / t.leads();
    double projected = actual + remaining;
    double sd = Math.sqrt(var);
    double below =
        actual >= target.goal()
            ? 0
            : sd > 0
                ? 1 - ChangePoint.oneSided((target.goal() - projected) / sd, ChangePoint.Tail.UPPER)
                : (projected < target.goal() ? 1 : 0);
    boolean flagged = below > 0.5;
    Severity severity = below >= 0.9 ? Severity.CRITICAL : Severity.WARNING;
    String unit = leads ? " leads" : " " + (target.currency() == null ? "" : target.currency());
    String message =
        String.format(
            java.util.Locale.ROOT,
            "Target %s (%s%s for the period from %s) is %s: %s so far, projected %s (%s–%s) at"
                + " the current pace, %.0f%% likely to end below the goal.",
            target.name(),
            Messages.count(target.goal()),
            unit,
            periodStart,
            flagged ? "at risk" : "on track",
            Messages.count(actual),
            Messages.count(projected),
            Messages.count(Math.max(actual, projected - Z95 * sd)),
            Messages.count(projected + Z95 * sd),
            100 * below);
    Check c =
        new Check(
            AnomalyKind.TARGET_AT_RISK,
            severity,
            target.period().label(),
            periodStart,
            cell,
            metric,
            projected,
            target.goal(),
            Math.max(actual, projected - Z95 * sd),
            projected + Z95 * sd,
            t.leads(),
            1 - below,
            null,
            null,
            null,
            message,
            flagged,
            false,
            Math.max(0, (target.goal() - projected) / target.goal()));
    other.add(c);
  }

  // ---------------------------------------------------------------- insufficient data

  private void insufficient(
      CellKey cell, String metric, long n, String unit, String what, LocalDate from) {
    other.add(
        new Check(
            AnomalyKind.INSUFFICIENT_DATA,
            Severity.INFO,
            Grain.WEEK.label(),
            from,
            cell,
            metric,
            null,
            null,
            null,
            null,
            n,
            null,
            null,
            null,
            null,
            String.format(
                java.util.Locale.ROOT,
                "Too little data to judge %s: %s %s since the week of %s (at least %s needed,"
                    + " in the recent weeks and in the baseline).",
                what,
                Messages.count(n),
                unit,
                from,
                Messages.count(settings.minLeads())),
            false,
            false,
            0));
  }

  // ---------------------------------------------------------------- the family

  /** A family test waiting for its q-value. */
  private record Pending(
      Check check,
      Expectation whole,
      DoubleUnaryOperator perTestLevel,
      List<Check> weeks,
      DoubleFunction<String> message) {}

  /** The sentence of a test that was not flagged: what it saw, without claiming a change. */
  private static String notFlagged(Check c, double q) {
    return String.format(
        java.util.Locale.ROOT,
        "Not flagged: %s of %s %s since the week of %s, %s observed against %s expected (%s).",
        c.metric().replace('_', ' '),
        Messages.stage(c.cell().stage()),
        Messages.who(c.cell()),
        c.periodStart(),
        c.observed() == null ? "nothing" : format(c.metric(), c.observed()),
        c.expected() == null ? "nothing" : format(c.metric(), c.expected()),
        Messages.q(q));
  }

  private List<Check> finish() {
    double[] p = new double[family.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = family.get(i).check().pValue();
    }
    double alpha = settings.falseDiscoveryRate();
    double[] q = BenjaminiHochberg.qValues(p);
    double threshold = BenjaminiHochberg.threshold(p, alpha);
    double zPower = ChangePoint.quantile(POWER);
    List<Check> out = new ArrayList<>();
    Map<Check, Boolean> flaggedWeeks = new java.util.IdentityHashMap<>();
    for (int i = 0; i < p.length; i++) {
      Pending f = family.get(i);
      boolean flagged = q[i] <= alpha;
      Severity severity =
          flagged && q[i] <= alpha / 10 && f.check().relativeChange() >= CRITICAL_CHANGE
              ? Severity.CRITICAL
              : Severity.WARNING;
      Check c =
          f.check()
              .judged(
                  q[i],
                  flagged,
                  severity,
                  flagged ? f.message().apply(q[i]) : notFlagged(f.check(), q[i]));
      Expectation w = f.whole();
      double perTest = f.perTestLevel().applyAsDouble(threshold);
      Double effect =
          w.expected() > 0 && w.variance() > 0
              ? (w.criticalValue(perTest) + zPower) * Math.sqrt(w.variance()) / w.expected()
              : null;
      c = c.withDetectableEffect(effect);
      if (flagged) {
        c = c.withFirstFlagged(history.firstFlagged(c.kind(), c.cell(), context.asOfDay()));
        for (Check week : f.weeks()) {
          flaggedWeeks.put(week, true);
        }
      }
      out.add(c);
    }
    for (Check week : weekly) {
      Double effect = null;
      if (week.expected() != null && week.expected() > 0 && week.upper() != null) {
        double sd = (week.upper() - week.expected()) / Z95;
        effect = (-ChangePoint.quantile(threshold) + zPower) * sd / week.expected();
      }
      Check c = week.withDetectableEffect(effect);
      out.add(flaggedWeeks.containsKey(week) ? c.markedFlagged() : c);
    }
    for (Check c : other) {
      if (c.kind() == AnomalyKind.TARGET_AT_RISK && c.flagged()) {
        c = c.withFirstFlagged(history.firstFlagged(c.kind(), c.cell(), context.asOfDay()));
      }
      out.add(c);
    }
    return out;
  }
}
