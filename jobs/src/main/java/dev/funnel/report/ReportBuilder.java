package dev.funnel.report;

import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.SlaDefinition;
import dev.funnel.config.TargetDefinition;
import dev.funnel.report.ReportInput.Check;
import dev.funnel.report.ReportInput.Conversion;
import dev.funnel.report.WeeklyReport.Anomaly;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleFunction;

/**
 * Builds the {@link WeeklyReport} from one run's rows: all the report's arithmetic and wording is
 * here, so the templates only lay it out. Plain Java, no Spark.
 */
public final class ReportBuilder {
  /** The total cell's dimension and value. */
  static final String ALL = "(all)";

  /** Weeks shown in a trend chart, the report's week included. */
  static final int TREND_WEEKS = 12;

  /** Months in the funnel section: the as-of's month and the three before it. */
  static final int FUNNEL_MONTHS = 4;

  /** Cells too small to judge listed by name (the largest). */
  static final int INSUFFICIENT_LISTED = 8;

  /** Owners listed per SLA. */
  static final int OWNERS_LISTED = 5;

  /** Parts named in a mix/rate split. */
  static final int PARTS_LISTED = 3;

  /** Kinds whose metric is a rate of leads, so a total's change splits into mix and rate. */
  static final Set<String> RATE_KINDS =
      Set.of("CONVERSION_DROP", "CONVERSION_FLOOR", "LAX_GATE", "SLA_BREACH_RATE");

  /** Kinds of the anomaly table that are not flags. */
  static final String INSUFFICIENT = "INSUFFICIENT_DATA";

  /**
   * What the report needs beyond the tables.
   *
   * @param baselineWeeks weeks before a change that the mix/rate split compares it with
   * @param slaMinimum the agreed minimum compliance per SLA name (absent: none agreed)
   */
  public record Settings(int baselineWeeks, Map<String, Double> slaMinimum) {
    /** Copies the map. */
    public Settings {
      slaMinimum = Map.copyOf(slaMinimum);
    }
  }

  private final FunnelConfig config;
  private final ReportWeek week;
  private final ReportInput in;
  private final Settings settings;
  private final ZoneId zone;

  private ReportBuilder(FunnelConfig config, ReportWeek week, ReportInput in, Settings settings) {
    this.config = config;
    this.week = week;
    this.in = in;
    this.settings = settings;
    this.zone = config.zone();
  }

  /** Builds the report of {@code week} from the rows of its latest run. */
  public static WeeklyReport build(
      FunnelConfig config, ReportWeek week, ReportInput in, Settings settings) {
    return new ReportBuilder(config, week, in, settings).build();
  }

  /** The e-mail subject: "Funnel report 2026-W48: 2 critical, 1 warning". */
  public static String subject(String week, int critical, int warnings) {
    return String.format(
        Locale.ROOT,
        "Funnel report %s: %d critical, %d warning%s",
        week,
        critical,
        warnings,
        warnings == 1 ? "" : "s");
  }

  private WeeklyReport build() {
    List<Check> flags = new ArrayList<>();
    for (Check a : in.anomalies()) {
      if (!a.kind().equals(INSUFFICIENT)
          && (a.severity().equals("critical") || a.severity().equals("warning"))) {
        flags.add(a);
      }
    }
    flags.sort(mostSevereFirst());
    int critical = (int) flags.stream().filter(f -> f.severity().equals("critical")).count();
    int warnings = flags.size() - critical;
    List<Anomaly> anomalies = new ArrayList<>();
    for (Check flag : flags) {
      anomalies.add(anomaly(flag));
    }
    return new WeeklyReport(
        config.name(),
        week.label(),
        week.monday().toString(),
        week.sunday().toString(),
        Formats.day(week.monday()) + " – " + Formats.day(week.sunday()),
        in.asOf().toString(),
        "data known through " + Formats.day(in.asOf()) + " (" + zone.getId() + ")",
        subject(week.label(), critical, warnings),
        headline(flags, critical, warnings),
        agreement(),
        anomalies,
        funnel(),
        notJudged());
  }

  /** Critical before warning, then the smallest q-value, then the largest relative change. */
  static Comparator<Check> mostSevereFirst() {
    return Comparator.comparingInt((Check c) -> c.severity().equals("critical") ? 0 : 1)
        .thenComparingDouble(c -> c.qValue() == null ? 2 : c.qValue())
        .thenComparingDouble(c -> -Math.abs(relativeChange(c)))
        .thenComparing(Check::kind)
        .thenComparing(Check::stage)
        .thenComparing(Check::dimension)
        .thenComparing(Check::dimensionValue);
  }

  private static double relativeChange(Check c) {
    if (c.observed() == null || c.expected() == null || c.expected() == 0) {
      return 0;
    }
    return (c.observed() - c.expected()) / c.expected();
  }

  private WeeklyReport.Headline headline(List<Check> flags, int critical, int warnings) {
    List<String> sentences = new ArrayList<>();
    for (Check f : flags) {
      if (f.severity().equals("critical")) {
        sentences.add(f.message());
      }
    }
    String summary;
    if (flags.isEmpty()) {
      summary =
          "No flags this week: every part of the funnel that could be judged stayed within its"
              + " normal range.";
    } else {
      summary =
          String.format(
              Locale.ROOT,
              "%d critical flag%s and %d warning%s this week.",
              critical,
              critical == 1 ? "" : "s",
              warnings,
              warnings == 1 ? "" : "s");
    }
    return new WeeklyReport.Headline(critical, warnings, summary, sentences);
  }

  // ---------------------------------------------------------------- the agreement

  private WeeklyReport.Agreement agreement() {
    List<WeeklyReport.SlaLine> slas = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    LocalDate month = in.asOf().withDayOfMonth(1);
    for (SlaDefinition def : config.slas()) {
      ReportInput.Sla weekRow = slaRow(def.name(), "week", week.monday());
      ReportInput.Sla monthRow = slaRow(def.name(), "month", month);
      Double minimum = settings.slaMinimum().get(def.name());
      Double weekRate = weekRow == null ? null : weekRow.complianceRate();
      Double monthRate = monthRow == null ? null : monthRow.complianceRate();
      String status;
      boolean kept;
      if (minimum == null) {
        status = "no agreed minimum";
        kept = true;
      } else if (weekRate == null && monthRate == null) {
        status = "nothing to judge yet";
        kept = true;
      } else {
        kept =
            (weekRate == null || weekRate >= minimum)
                && (monthRate == null || monthRate >= minimum);
        status = kept ? "kept" : "not kept";
      }
      slas.add(
          new WeeklyReport.SlaLine(
              def.name(),
              def.stage(),
              "worked within "
                  + Formats.duration(def.withinHours())
                  + (def.clock() == SlaDefinition.Clock.BUSINESS ? " of business time" : ""),
              weekRate,
              Formats.percent(weekRate),
              counts(weekRow),
              monthRate,
              Formats.percent(monthRate),
              counts(monthRow),
              minimum,
              minimum == null ? "–" : Formats.percent(minimum),
              status,
              kept));
    }
    if (config.slas().isEmpty()) {
      notes.add("No SLA is configured.");
    }
    List<WeeklyReport.TargetLine> targets = new ArrayList<>();
    for (TargetDefinition def : config.targets()) {
      LocalDate period = def.period().periodStart(in.asOf());
      ReportInput.Target row = null;
      for (ReportInput.Target t : in.targets()) {
        if (t.target().equals(def.name()) && t.periodStart().equals(period)) {
          row = t;
        }
      }
      if (row == null) {
        notes.add("Target " + def.name() + " has no row for the current period.");
        continue;
      }
      DoubleFunction<String> value =
          def.kind() == TargetDefinition.Kind.AMOUNT
              ? v -> Formats.money(v, def.currency())
              : v -> Formats.count(v) + " leads";
      targets.add(
          new WeeklyReport.TargetLine(
              def.name(),
              def.stage(),
              (def.period() == Grain.MONTH
                      ? Formats.month(period)
                      : "week of " + Formats.day(period))
                  + (row.complete()
                      ? ""
                      : ", " + Formats.percent(row.elapsedFraction()) + " elapsed"),
              row.actual(),
              value.apply(row.actual()),
              row.goal(),
              value.apply(row.goal()),
              row.projected(),
              value.apply(row.projected()),
              Formats.percent(row.goal() == 0 ? null : row.actual() / row.goal()),
              row.onTrack(),
              row.onTrack() ? "on track" : "behind"));
    }
    List<WeeklyReport.OwnerLine> owners = new ArrayList<>();
    for (SlaDefinition def : config.slas()) {
      in.ownerBreaches().stream()
          .filter(o -> o.sla().equals(def.name()))
          .sorted(
              Comparator.comparingLong(ReportInput.OwnerBreaches::breaches)
                  .reversed()
                  .thenComparing(o -> Objects.toString(o.owner(), "")))
          .limit(OWNERS_LISTED)
          .forEach(
              o ->
                  owners.add(
                      new WeeklyReport.OwnerLine(
                          def.name(),
                          o.owner() == null ? "(none)" : o.owner(),
                          o.breaches(),
                          o.unworked())));
    }
    if (!config.slas().isEmpty() && !config.dimensions().contains("owner")) {
      notes.add("No owner dimension is configured, so breaches are not listed per owner.");
    }
    List<WeeklyReport.UnworkedLine> unworked = new ArrayList<>();
    for (SlaDefinition def : config.slas()) {
      in.unworked().stream()
          .filter(u -> u.sla().equals(def.name()))
          .sorted(
              Comparator.comparing(ReportInput.Unworked::enteredAt)
                  .thenComparing(ReportInput.Unworked::leadId))
          .forEach(
              u ->
                  unworked.add(
                      new WeeklyReport.UnworkedLine(
                          def.name(),
                          u.leadId(),
                          u.owner() == null ? "–" : u.owner(),
                          Formats.day(LocalDate.ofInstant(u.enteredAt(), zone)),
                          Formats.duration(u.responseHours())
                              + (def.clock() == SlaDefinition.Clock.BUSINESS
                                  ? " of business time"
                                  : ""))));
    }
    return new WeeklyReport.Agreement(slas, targets, owners, unworked, notes);
  }

  private ReportInput.Sla slaRow(String sla, String grain, LocalDate start) {
    for (ReportInput.Sla r : in.sla()) {
      if (r.sla().equals(sla)
          && r.grain().equals(grain)
          && r.periodStart().equals(start)
          && r.dimension().equals(ALL)) {
        return r;
      }
    }
    return null;
  }

  private static String counts(ReportInput.Sla row) {
    if (row == null) {
      return "no leads";
    }
    return Formats.count(row.met())
        + " met, "
        + Formats.count(row.breached())
        + " breached, "
        + Formats.count(row.pending())
        + " pending";
  }

  // ---------------------------------------------------------------- anomalies

  private Anomaly anomaly(Check flag) {
    DoubleFunction<String> format = valueFormat(flag);
    String breakdown = breakdown(flag.dimension(), flag.dimensionValue());
    String band =
        flag.lower() == null || flag.upper() == null
            ? "–"
            : format.apply(flag.lower()) + " to " + format.apply(flag.upper());
    String since =
        flag.firstFlagged() == null ? "–" : "flagged since " + Formats.day(flag.firstFlagged());
    return new Anomaly(
        flag.severity(),
        flag.kind(),
        kindLabel(flag.kind()),
        flag.stage(),
        breakdown,
        periodText(flag.grain(), flag.periodStart()),
        flag.message(),
        metricLabel(flag.metric()),
        flag.observed(),
        flag.observed() == null ? "–" : format.apply(flag.observed()),
        flag.expected(),
        flag.expected() == null ? "–" : format.apply(flag.expected()),
        band,
        flag.n(),
        Formats.count(flag.n()),
        since,
        flag.qValue(),
        Formats.qValue(flag.qValue()),
        chart(flag, format),
        split(flag),
        discuss(flag));
  }

  /** "source = paid_search", or "all leads" for the total cell. */
  static String breakdown(String dimension, String value) {
    return dimension.equals(ALL) ? "all leads" : dimension + " = " + value;
  }

  private static String periodText(String grain, LocalDate start) {
    return grain.equals("month")
        ? "month of " + Formats.month(start)
        : "week of " + Formats.day(start);
  }

  /** The people's name of a kind. */
  static String kindLabel(String kind) {
    return switch (kind) {
      case "CONVERSION_DROP" -> "Conversion drop";
      case "CONVERSION_FLOOR" -> "Conversion below its floor";
      case "LAX_GATE" -> "Lax gate";
      case "SLOW_STAGE" -> "Slow stage";
      case "VOLUME_DROP" -> "Volume drop";
      case "TARGET_AT_RISK" -> "Target at risk";
      case "SLA_BREACH_RATE" -> "SLA breaches";
      case "INSUFFICIENT_DATA" -> "Too few leads";
      default -> kind.charAt(0) + kind.substring(1).toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  private static String metricLabel(String metric) {
    return switch (metric) {
      case "conversion_rate" -> "conversion";
      case "pass_rate" -> "pass rate";
      case "exit_rate" -> "exits per visit";
      case "entered" -> "leads entering";
      case "projected_leads" -> "projected leads";
      case "projected_amount" -> "projected value";
      case "compliance_rate" -> "SLA compliance";
      case "leads" -> "leads";
      default -> metric.replace('_', ' ');
    };
  }

  private DoubleFunction<String> valueFormat(Check c) {
    return switch (c.metric()) {
      case "entered", "leads", "projected_leads" -> Formats::count;
      case "projected_amount" -> v -> Formats.money(v, currency(c.stage()));
      default -> v -> Formats.percent(v);
    };
  }

  private String currency(String stage) {
    for (TargetDefinition t : config.targets()) {
      if (t.stage().equals(stage) && t.kind() == TargetDefinition.Kind.AMOUNT) {
        return t.currency();
      }
    }
    return null;
  }

  private String slaOf(String stage) {
    for (SlaDefinition s : config.slas()) {
      if (s.stage().equals(stage)) {
        return s.name();
      }
    }
    return null;
  }

  private TargetDefinition targetOf(Check c) {
    TargetDefinition.Kind kind =
        c.metric().equals("projected_amount")
            ? TargetDefinition.Kind.AMOUNT
            : TargetDefinition.Kind.LEADS;
    for (TargetDefinition t : config.targets()) {
      if (t.stage().equals(c.stage()) && t.kind() == kind) {
        return t;
      }
    }
    return null;
  }

  /**
   * The trend of the flagged cell over the last {@link #TREND_WEEKS} periods: observed from the
   * core tables, band and expected value from the checks of the same kind and cell.
   */
  private WeeklyReport.Chart chart(Check flag, DoubleFunction<String> format) {
    boolean monthly = flag.grain().equals("month");
    Grain grain = monthly ? Grain.MONTH : Grain.WEEK;
    LocalDate last = monthly ? in.asOf().withDayOfMonth(1) : week.monday();
    List<LocalDate> periods = new ArrayList<>();
    for (int i = TREND_WEEKS - 1; i >= 0; i--) {
      periods.add(monthly ? last.minusMonths(i) : last.minusWeeks(i));
    }
    boolean slow = flag.kind().equals("SLOW_STAGE");
    DoubleFunction<String> shown = slow ? v -> Formats.duration(v) : format;
    List<WeeklyReport.ChartPoint> points = new ArrayList<>();
    List<SvgCharts.Point> svgPoints = new ArrayList<>();
    for (LocalDate p : periods) {
      Double observed = observed(flag, grain, p);
      Check check = checkFor(flag, p);
      // The flag's own period is marked even when its check is not among the checks read.
      boolean flagged = check == null ? p.equals(flag.periodStart()) : check.flagged();
      Double lower = slow || check == null ? null : check.lower();
      Double upper = slow || check == null ? null : check.upper();
      Double expected = slow || check == null ? null : check.expected();
      String label = monthly ? Formats.month(p) : Formats.day(p);
      points.add(
          new WeeklyReport.ChartPoint(
              p.toString(),
              label,
              observed,
              observed == null ? "–" : shown.apply(observed),
              expected,
              lower,
              upper,
              flagged));
      svgPoints.add(new SvgCharts.Point(label, observed, lower, upper, expected, flagged));
    }
    String what = slow ? "median time in stage (Kaplan–Meier)" : metricLabel(flag.metric());
    String title =
        what
            + ", "
            + flag.stage()
            + ", "
            + breakdown(flag.dimension(), flag.dimensionValue())
            + (monthly ? ", by month" : ", by week");
    String note =
        slow
            ? "Red dots: weeks flagged as slower than the baseline (judged on exits per visit)."
            : "Shaded: the range in which a value is not flagged; dashed: expected; red dots:"
                + " flagged.";
    return new WeeklyReport.Chart(title, note, points, SvgCharts.trend(title, svgPoints, shown));
  }

  private Double observed(Check flag, Grain grain, LocalDate period) {
    switch (flag.kind()) {
      case "CONVERSION_DROP", "CONVERSION_FLOOR", "LAX_GATE", "VOLUME_DROP" -> {
        for (Conversion c : in.conversion()) {
          if (c.grain().equals(grain.label())
              && c.cohortStart().equals(period)
              && c.stage().equals(flag.stage())
              && c.dimension().equals(flag.dimension())
              && c.dimensionValue().equals(flag.dimensionValue())) {
            return flag.kind().equals("VOLUME_DROP") ? (double) c.entered() : c.conversionRate();
          }
        }
        return null;
      }
      case "SLOW_STAGE" -> {
        for (ReportInput.Time t : in.times()) {
          if (t.grain().equals(grain.label())
              && t.cohortStart().equals(period)
              && t.stage().equals(flag.stage())
              && t.dimension().equals(flag.dimension())
              && t.dimensionValue().equals(flag.dimensionValue())) {
            return t.kmP50Hours();
          }
        }
        return null;
      }
      case "SLA_BREACH_RATE" -> {
        String sla = slaOf(flag.stage());
        for (ReportInput.Sla s : in.sla()) {
          if (s.sla().equals(sla)
              && s.grain().equals(grain.label())
              && s.periodStart().equals(period)
              && s.dimension().equals(flag.dimension())
              && s.dimensionValue().equals(flag.dimensionValue())) {
            return s.complianceRate();
          }
        }
        return null;
      }
      case "TARGET_AT_RISK" -> {
        TargetDefinition target = targetOf(flag);
        for (ReportInput.Target t : in.targets()) {
          if (target != null
              && t.target().equals(target.name())
              && t.periodStart().equals(period)) {
            return t.projected();
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * The check of the flag's kind and cell for one period. A period can carry a weekly check and a
   * pooled one starting there; the band drawn is the weekly one (the smallest sample), and the
   * period counts as flagged when any of them is.
   */
  private Check checkFor(Check flag, LocalDate period) {
    Check best = null;
    boolean anyFlagged = false;
    for (Check c : in.checks()) {
      if (sameCell(c, flag) && c.periodStart().equals(period)) {
        anyFlagged |= c.flagged();
        if (best == null || c.n() < best.n()) {
          best = c;
        }
      }
    }
    if (best == null || best.flagged() == anyFlagged) {
      return best;
    }
    return new Check(
        best.kind(),
        best.severity(),
        best.grain(),
        best.periodStart(),
        best.stage(),
        best.dimension(),
        best.dimensionValue(),
        best.metric(),
        best.observed(),
        best.expected(),
        best.lower(),
        best.upper(),
        best.n(),
        best.pValue(),
        best.qValue(),
        best.detectableEffect(),
        best.firstFlagged(),
        anyFlagged,
        best.message());
  }

  private static boolean sameCell(Check a, Check b) {
    return a.kind().equals(b.kind())
        && a.grain().equals(b.grain())
        && a.stage().equals(b.stage())
        && a.dimension().equals(b.dimension())
        && a.dimensionValue().equals(b.dimensionValue())
        && a.metric().equals(b.metric());
  }

  // ---------------------------------------------------------------- mix and rate

  /**
   * For a flag on a total cell of a rate kind: the split of its change across the dimension that
   * explains it best (the one whose single largest part contributes most in the direction of the
   * change). Current shares and rates come from the dimension's checks of the same period (rates at
   * the same age as the total's, expected rates the baseline's at that age); baseline shares from
   * the leads that entered in the {@code baselineWeeks} weeks before the period.
   */
  private WeeklyReport.Split split(Check flag) {
    if (!flag.dimension().equals(ALL) || !RATE_KINDS.contains(flag.kind())) {
      return null;
    }
    MixRateSplit.Result best = null;
    String bestDimension = null;
    for (String dimension : config.dimensions()) {
      List<MixRateSplit.Part> parts = parts(flag, dimension);
      if (parts.stream().filter(p -> p.share() > 0).count() < 2) {
        continue;
      }
      MixRateSplit.Result result;
      try {
        result = MixRateSplit.split(parts);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (best == null || result.largestInDirection() > best.largestInDirection()) {
        best = result;
        bestDimension = dimension;
      }
    }
    if (best == null) {
      return null;
    }
    List<WeeklyReport.SplitPart> named = new ArrayList<>();
    for (MixRateSplit.Contribution c :
        best.parts().subList(0, Math.min(PARTS_LISTED, best.parts().size()))) {
      MixRateSplit.Part p = c.part();
      named.add(
          new WeeklyReport.SplitPart(
              p.value(),
              Formats.percent(p.baselineShare()) + " → " + Formats.percent(p.share()),
              Formats.percent(p.baselineRate()) + " → " + Formats.percent(p.rate()),
              c.mix(),
              Formats.points(c.mix()),
              c.rate(),
              Formats.points(c.rate())));
    }
    boolean mix = Math.abs(best.mix()) > Math.abs(best.rate());
    boolean sla = flag.kind().equals("SLA_BREACH_RATE");
    String verdict =
        mix
            ? "Mostly mix: the leads' make-up by "
                + bestDimension
                + " shifted towards parts that "
                + (sla ? "are answered" : "convert")
                + " differently — a question for marketing."
            : "Mostly rate: within "
                + bestDimension
                + ", the parts themselves "
                + (sla ? "are answered" : "convert")
                + " differently than they used to — a question for sales.";
    return new WeeklyReport.Split(
        bestDimension,
        Formats.percent(best.baselineTotal()),
        Formats.percent(best.currentTotal()),
        best.mix(),
        Formats.points(best.mix()),
        best.rate(),
        Formats.points(best.rate()),
        verdict,
        named);
  }

  private List<MixRateSplit.Part> parts(Check flag, String dimension) {
    // Current: the dimension's checks of the flag's kind and period, one per value.
    Map<String, Check> current = new LinkedHashMap<>();
    long totalWeek = entered(flag, ALL, ALL, flag.periodStart(), flag.periodStart().plusWeeks(1));
    boolean pooled = totalWeek > 0 && flag.n() > totalWeek;
    for (Check c : in.checks()) {
      if (c.kind().equals(flag.kind())
          && c.stage().equals(flag.stage())
          && c.grain().equals(flag.grain())
          && c.metric().equals(flag.metric())
          && c.periodStart().equals(flag.periodStart())
          && c.dimension().equals(dimension)
          && c.observed() != null) {
        Check seen = current.get(c.dimensionValue());
        if (seen == null || (pooled ? c.n() > seen.n() : c.n() < seen.n())) {
          current.put(c.dimensionValue(), c);
        }
      }
    }
    // Baseline: leads entering per value over the weeks before the period.
    LocalDate from = flag.periodStart().minusWeeks(settings.baselineWeeks());
    Map<String, long[]> baseline = new LinkedHashMap<>();
    for (String value : values(flag, dimension, from, flag.periodStart())) {
      baseline.put(value, baselineCounts(flag, dimension, value, from, flag.periodStart()));
    }
    List<MixRateSplit.Part> parts = new ArrayList<>();
    java.util.Set<String> all = new java.util.LinkedHashSet<>(baseline.keySet());
    all.addAll(current.keySet());
    for (String value : all) {
      long[] base = baseline.getOrDefault(value, new long[] {0, 0});
      Check now = current.get(value);
      double baselineRate;
      if (now != null && now.expected() != null) {
        baselineRate = now.expected();
      } else if (base[0] > 0) {
        baselineRate = (double) base[1] / base[0];
      } else if (now != null) {
        baselineRate = now.observed();
      } else {
        continue;
      }
      double rate = now == null ? baselineRate : now.observed();
      parts.add(
          new MixRateSplit.Part(value, base[0], baselineRate, now == null ? 0 : now.n(), rate));
    }
    return parts;
  }

  private List<String> values(Check flag, String dimension, LocalDate from, LocalDate to) {
    java.util.Set<String> values = new java.util.TreeSet<>();
    if (flag.kind().equals("SLA_BREACH_RATE")) {
      String sla = slaOf(flag.stage());
      for (ReportInput.Sla s : in.sla()) {
        if (s.sla().equals(sla)
            && s.grain().equals("week")
            && s.dimension().equals(dimension)
            && !s.periodStart().isBefore(from)
            && s.periodStart().isBefore(to)) {
          values.add(s.dimensionValue());
        }
      }
    } else {
      for (Conversion c : in.conversion()) {
        if (c.grain().equals("week")
            && c.stage().equals(flag.stage())
            && c.dimension().equals(dimension)
            && !c.cohortStart().isBefore(from)
            && c.cohortStart().isBefore(to)) {
          values.add(c.dimensionValue());
        }
      }
    }
    return new ArrayList<>(values);
  }

  /** Leads and successes (conversions, or met responses) of a part over [from, to). */
  private long[] baselineCounts(
      Check flag, String dimension, String value, LocalDate from, LocalDate to) {
    long leads = 0;
    long success = 0;
    if (flag.kind().equals("SLA_BREACH_RATE")) {
      String sla = slaOf(flag.stage());
      for (ReportInput.Sla s : in.sla()) {
        if (s.sla().equals(sla)
            && s.grain().equals("week")
            && s.dimension().equals(dimension)
            && s.dimensionValue().equals(value)
            && !s.periodStart().isBefore(from)
            && s.periodStart().isBefore(to)) {
          leads += s.met() + s.breached();
          success += s.met();
        }
      }
    } else {
      for (Conversion c : in.conversion()) {
        if (c.grain().equals("week")
            && c.stage().equals(flag.stage())
            && c.dimension().equals(dimension)
            && c.dimensionValue().equals(value)
            && !c.cohortStart().isBefore(from)
            && c.cohortStart().isBefore(to)) {
          leads += c.entered();
          success += c.converted();
        }
      }
    }
    return new long[] {leads, success};
  }

  private long entered(Check flag, String dimension, String value, LocalDate from, LocalDate to) {
    return baselineCounts(flag, dimension, value, from, to)[0];
  }

  // ---------------------------------------------------------------- to discuss

  private String discuss(Check flag) {
    String where = flag.stage() + " (" + breakdown(flag.dimension(), flag.dimensionValue()) + ")";
    String next = nextStage(flag.stage());
    return switch (flag.kind()) {
      case "CONVERSION_DROP", "CONVERSION_FLOOR" ->
          "A bottleneck at "
              + where
              + ": find out why leads stop here — the quality of the leads its sources send, sales"
              + " capacity, or the entry criteria of "
              + next
              + ".";
      case "LAX_GATE" ->
          "Almost everyone passes "
              + where
              + ": are the criteria for "
              + next
              + " strict enough? "
              + nextStageFare(flag, next);
      case "SLOW_STAGE" ->
          "Leads wait longer in "
              + where
              + ": is there a capacity gap or a stuck hand-off, and who owns the next step?";
      case "VOLUME_DROP" ->
          "Fewer leads reach "
              + where
              + ": did a campaign, a channel or a form change upstream, and is it deliberate?";
      case "TARGET_AT_RISK" -> {
        TargetDefinition t = targetOf(flag);
        yield "Target "
            + (t == null ? flag.stage() : t.name())
            + " is projected to miss its goal: what would close the gap this period, and is the"
            + " goal still right?";
      }
      case "SLA_BREACH_RATE" -> {
        String sla = slaOf(flag.stage());
        yield "SLA "
            + (sla == null ? flag.stage() : sla)
            + " is kept less often for "
            + breakdown(flag.dimension(), flag.dimensionValue())
            + ": which owners or hours cause the breaches, and is the workload balanced?";
      }
      default -> "Discuss what changed at " + where + ".";
    };
  }

  private String nextStage(String stage) {
    List<String> path = config.stages().mainPath();
    int i = path.indexOf(stage);
    return i >= 0 && i + 1 < path.size() ? path.get(i + 1) : "the next stage";
  }

  /** How the leads let through a lax gate fare at the next stage, from its check if judged. */
  private String nextStageFare(Check flag, String next) {
    for (Check c : in.checks()) {
      if (c.kind().equals("CONVERSION_DROP")
          && c.stage().equals(next)
          && c.grain().equals(flag.grain())
          && c.periodStart().equals(flag.periodStart())
          && c.dimension().equals(flag.dimension())
          && c.dimensionValue().equals(flag.dimensionValue())
          && c.observed() != null
          && c.expected() != null) {
        return "At "
            + next
            + ", those leads convert at "
            + Formats.percent(c.observed())
            + " (expected "
            + Formats.percent(c.expected())
            + " at the same age"
            + (c.flagged() ? ", itself flagged" : "")
            + ").";
      }
    }
    return "How those leads fare at " + next + " is not judged yet.";
  }

  // ---------------------------------------------------------------- the funnel

  private WeeklyReport.FunnelSection funnel() {
    LocalDate month = in.asOf().withDayOfMonth(1);
    List<LocalDate> months = new ArrayList<>();
    for (int i = FUNNEL_MONTHS - 1; i >= 0; i--) {
      months.add(month.minusMonths(i));
    }
    List<String> stages = config.stages().mainPath().subList(0, config.stages().nonTerminalCount());
    List<WeeklyReport.StageLine> lines = new ArrayList<>();
    long[][] leads = new long[stages.size()][months.size()];
    boolean[][] immature = new boolean[stages.size()][months.size()];
    for (int s = 0; s < stages.size(); s++) {
      String stage = stages.get(s);
      List<WeeklyReport.StageMonth> cells = new ArrayList<>();
      String nextStage = nextStage(stage);
      for (int m = 0; m < months.size(); m++) {
        LocalDate start = months.get(m);
        Conversion c = null;
        for (Conversion r : in.conversion()) {
          if (r.grain().equals("month")
              && r.cohortStart().equals(start)
              && r.stage().equals(stage)
              && r.dimension().equals(ALL)) {
            c = r;
            nextStage = r.nextStage();
          }
        }
        ReportInput.Time t = null;
        for (ReportInput.Time r : in.times()) {
          if (r.grain().equals("month")
              && r.cohortStart().equals(start)
              && r.stage().equals(stage)
              && r.dimension().equals(ALL)) {
            t = r;
          }
        }
        ReportInput.Revenue v = null;
        for (ReportInput.Revenue r : in.revenue()) {
          if (r.grain().equals("month")
              && r.cohortStart().equals(start)
              && r.stage().equals(stage)) {
            v = r;
          }
        }
        boolean mature = c != null && c.mature();
        leads[s][m] = c == null ? 0 : c.entered();
        immature[s][m] = c != null && !c.mature();
        Double worth = v == null ? null : v.revenuePerLead();
        cells.add(
            new WeeklyReport.StageMonth(
                Formats.month(start),
                c == null ? 0 : c.entered(),
                c == null ? "–" : Formats.count(c.entered()),
                c == null ? null : c.conversionRate(),
                c == null ? "–" : Formats.percent(c.conversionRate()) + (mature ? "" : "*"),
                mature,
                t == null ? "–" : Formats.duration(t.kmP50Hours()),
                t == null ? "–" : Formats.duration(t.kmP90Hours()),
                worth,
                worth == null
                    ? "–"
                    : Formats.money(worth, revenueCurrency()) + (mature ? "" : "*")));
      }
      lines.add(new WeeklyReport.StageLine(stage, nextStage, cells));
    }
    List<String> monthLabels = months.stream().map(Formats::month).toList();
    String svg =
        SvgCharts.funnel(
            "Leads entering each stage, "
                + monthLabels.get(0)
                + " to "
                + monthLabels.get(monthLabels.size() - 1),
            stages,
            monthLabels,
            leads,
            immature);
    String note =
        "* immature cohort: still inside the "
            + config.conversionWindowDays()
            + "-day conversion window, so its conversion and value per lead will still rise."
            + " Time in stage is the Kaplan–Meier estimate, counting leads still in the stage.";
    return new WeeklyReport.FunnelSection(monthLabels, lines, note, svg);
  }

  private String revenueCurrency() {
    for (TargetDefinition t : config.targets()) {
      if (t.kind() == TargetDefinition.Kind.AMOUNT && t.currency() != null) {
        return t.currency();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- not judged

  private WeeklyReport.NotJudged notJudged() {
    List<Check> small =
        new ArrayList<>(
            in.anomalies().stream().filter(a -> a.kind().equals(INSUFFICIENT)).toList());
    small.sort(
        Comparator.comparingLong(Check::n)
            .reversed()
            .thenComparing(Check::stage)
            .thenComparing(Check::dimension)
            .thenComparing(Check::dimensionValue)
            .thenComparing(Check::periodStart));
    List<WeeklyReport.InsufficientLine> largest = new ArrayList<>();
    for (Check c : small.subList(0, Math.min(INSUFFICIENT_LISTED, small.size()))) {
      largest.add(notJudgedLine(c));
    }
    // Among the judged cells of the latest judged week: those that would have missed the largest
    // changes, one line per cell.
    LocalDate latest = null;
    for (Check c : in.checks()) {
      if (c.grain().equals("week")
          && c.detectableEffect() != null
          && (latest == null || c.periodStart().isAfter(latest))) {
        latest = c.periodStart();
      }
    }
    List<Check> judged = new ArrayList<>();
    for (Check c : in.checks()) {
      if (c.grain().equals("week")
          && c.periodStart().equals(latest)
          && c.detectableEffect() != null
          && !c.kind().equals(INSUFFICIENT)
          && !c.flagged()) {
        judged.add(c);
      }
    }
    judged.sort(
        Comparator.comparingDouble((Check c) -> -c.detectableEffect())
            .thenComparing(Check::kind)
            .thenComparing(Check::stage)
            .thenComparing(Check::dimension)
            .thenComparing(Check::dimensionValue));
    List<WeeklyReport.InsufficientLine> leastSensitive = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Check c : judged) {
      if (leastSensitive.size() < INSUFFICIENT_LISTED
          && seen.add(
              c.kind() + "|" + c.stage() + "|" + c.dimension() + "|" + c.dimensionValue())) {
        leastSensitive.add(notJudgedLine(c));
      }
    }
    List<String> immature = new ArrayList<>();
    LocalDate firstWeek = null;
    LocalDate firstMonth = null;
    for (Conversion c : in.conversion()) {
      if (c.dimension().equals(ALL) && !c.mature()) {
        if (c.grain().equals("week")
            && (firstWeek == null || c.cohortStart().isBefore(firstWeek))) {
          firstWeek = c.cohortStart();
        }
        if (c.grain().equals("month")
            && (firstMonth == null || c.cohortStart().isBefore(firstMonth))) {
          firstMonth = c.cohortStart();
        }
      }
    }
    if (firstWeek != null) {
      immature.add(
          "Weekly cohorts since the week of "
              + Formats.day(firstWeek)
              + " are still inside the "
              + config.conversionWindowDays()
              + "-day conversion window: their conversion is judged at its age, not final.");
    }
    if (firstMonth != null) {
      immature.add(
          "Monthly cohorts since "
              + Formats.month(firstMonth)
              + " are immature: their conversion and value per lead will still rise.");
    }
    return new WeeklyReport.NotJudged(small.size(), largest, leastSensitive, immature);
  }

  private static WeeklyReport.InsufficientLine notJudgedLine(Check c) {
    return new WeeklyReport.InsufficientLine(
        kindLabel(c.kind()),
        c.stage(),
        breakdown(c.dimension(), c.dimensionValue()),
        periodText(c.grain(), c.periodStart()),
        c.message(),
        c.n(),
        Formats.count(c.n()),
        c.detectableEffect(),
        c.detectableEffect() == null
            ? "not estimated"
            : "a change smaller than "
                + Formats.relative(c.detectableEffect()).substring(1)
                + " would go unnoticed");
  }
}
