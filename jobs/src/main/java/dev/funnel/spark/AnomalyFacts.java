package dev.funnel.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.funnel.anomaly.AnomalyJudge;
import dev.funnel.anomaly.CellKey;
import dev.funnel.anomaly.DurationBins;
import dev.funnel.anomaly.WeekFacts;
import dev.funnel.calendar.FunnelCalendar;
import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.FunnelStages;
import dev.funnel.config.SlaDefinition;
import dev.funnel.config.TargetDefinition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The anomaly phase's compact facts, aggregated from the run's visit facts in one pass: per stage,
 * breakdown cell and cohort week, counts of leads and binned delays, ages and visit lengths (see
 * {@link WeekFacts}). The result is bounded by cells × weeks × bins, whatever the number of events,
 * so it is collected to the driver for {@link AnomalyJudge}.
 */
public final class AnomalyFacts {
  // Codes of the (code, bin) pairs each visit fact contributes.
  static final int DELAY = 0;
  static final int AGE = 1;
  static final int EXIT = 2;
  static final int CENSORED = 3;
  // Counters (full-age leads, leads by the elapsed part of the week, SLA met and breached per
  // SLA) are 0/1 columns summed on the visit's one EXIT or CENSORED pair; entered and converted
  // leads are derived (see Builder.build).
  static final int FULL_AGE = 0;
  static final int BY_ELAPSED = 1;
  static final int SLA_BASE = 2;

  private static final double MICROS_PER_HOUR = FunnelCalendar.MICROS_PER_HOUR;

  private AnomalyFacts() {}

  /** Per cell, the weekly facts of the weeks from {@code firstWeek} on. */
  public static Map<CellKey, Map<LocalDate, WeekFacts>> weekly(
      Dataset<Row> visitFacts,
      FunnelConfig config,
      LocalDate asOfDay,
      Instant asOf,
      LocalDate firstWeek) {
    FunnelStages stages = config.stages();
    long asOfMicros = FunnelCalendar.toMicros(asOf);
    double windowHours = config.conversionWindowDays() * 24.0;
    long elapsedSeconds = asOfDay.getDayOfWeek().getValue() * 86_400L;
    UserDefinedFunction bin =
        functions
            .udf((UDF1<Double, Integer>) h -> DurationBins.bin(h), DataTypes.IntegerType)
            .asNonNullable();
    Column entry = col("is_entry");
    Column ageHours = lit(asOfMicros).minus(col("entered_at")).divide(lit(MICROS_PER_HOUR));
    Column fullAge = ageHours.geq(lit(windowHours));
    Column delayHours = col("converted_at").minus(col("entered_at")).divide(lit(MICROS_PER_HOUR));
    List<Column> pairs = new ArrayList<>();
    pairs.add(pair(entry.and(col("converted")), DELAY, bin.apply(delayHours)));
    pairs.add(pair(entry.and(functions.not(fullAge)), AGE, bin.apply(ageHours)));
    pairs.add(pair(functions.not(col("is_open")), EXIT, bin.apply(col("duration_hours"))));
    pairs.add(pair(col("is_open"), CENSORED, bin.apply(col("censored_hours"))));
    // No pairs for entered and converted leads (sums of the age bins and full-age leads, and of
    // the delay bins) nor for the counters: each visit has exactly one EXIT or CENSORED pair, which
    // carries the visit's counters, so a visit explodes to at most three rows.
    List<Column> counters = new ArrayList<>();
    counters.add(entry.and(fullAge));
    counters.add(
        entry.and(secondsIntoWeek(col("entered_at"), config.zone()).lt(lit(elapsedSeconds))));
    List<SlaDefinition> slas = config.slas();
    for (int i = 0; i < slas.size(); i++) {
      Column status = col(VisitFacts.sla(i, VisitFacts.SLA_STATUS));
      Column atStage = col("stage").equalTo(lit(stages.code(slas.get(i).stage())));
      counters.add(atStage.and(status.equalTo(lit("met"))));
      counters.add(atStage.and(status.equalTo(lit("breached"))));
    }
    // First the (code, bin) pairs per stage, week and combination of dimension values, so that
    // the partial aggregation shrinks the visits before the fan-out to the breakdown cells (five
    // cells of ten pairs per visit, fanned out first, made the phase cost twice as much).
    List<Column> keys = new ArrayList<>();
    keys.add(col("stage"));
    keys.add(col(VisitFacts.periodStart(Grain.WEEK)));
    for (int d = 0; d < config.dimensions().size(); d++) {
      keys.add(col(VisitFacts.dimension(d)));
    }
    List<Column> exploded = new ArrayList<>(keys);
    for (int k = 0; k < counters.size(); k++) {
      exploded.add(when(counters.get(k), lit(1L)).otherwise(lit(0L)).as(counter(k)));
    }
    exploded.add(functions.explode(functions.array(pairs.toArray(Column[]::new))).as("pair"));
    List<Column> grouped = new ArrayList<>(keys);
    grouped.add(col("pair.code").as("code"));
    grouped.add(col("pair.bin").as("bin"));
    Column carriesCounters = col("pair.code").geq(lit(EXIT));
    List<Column> combinationSums = new ArrayList<>();
    List<Column> cellInputs = new ArrayList<>(List.of(col("stage"), col("code"), col("bin")));
    List<Column> cellSums = new ArrayList<>();
    for (int k = 0; k < counters.size(); k++) {
      combinationSums.add(
          sum(when(carriesCounters, col(counter(k))).otherwise(lit(0L))).as(counter(k)));
      cellInputs.add(col(counter(k)));
      cellSums.add(sum(col(counter(k))).as(counter(k)));
    }
    cellInputs.add(col("count"));
    cellInputs.add(inline(Cohorts.cells(List.of(Grain.WEEK), config.dimensions())));
    Dataset<Row> combinations =
        visitFacts
            .where(
                col("stage")
                    .lt(lit(stages.nonTerminalCount()))
                    .and(
                        col(VisitFacts.periodStart(Grain.WEEK))
                            .geq(lit(Math.toIntExact(firstWeek.toEpochDay())))))
            .select(exploded.toArray(Column[]::new))
            .where(col("pair.code").isNotNull())
            .groupBy(grouped.toArray(Column[]::new))
            .agg(count(lit(1)).as("count"), combinationSums.toArray(Column[]::new));
    Dataset<Row> counts =
        combinations
            .select(cellInputs.toArray(Column[]::new))
            .groupBy(
                col("stage"),
                col("dimension"),
                col("dimension_value"),
                col("cohort_day"),
                col("code"),
                col("bin"))
            .agg(sum(col("count")).as("count"), cellSums.toArray(Column[]::new));
    return assemble(counts.collectAsList(), stages, slas.size());
  }

  private static String counter(int k) {
    return "counter_" + k;
  }

  private static Column pair(Column condition, int code, Column binValue) {
    return when(condition, struct(lit(code).as("code"), binValue.as("bin")))
        .otherwise(struct(lit(null).cast("int").as("code"), lit(null).cast("int").as("bin")));
  }

  /**
   * Seconds from the local Monday 00:00 of an instant's ISO week to its local wall-clock time: the
   * same weekday and time in every week, whatever the daylight-saving offset.
   */
  static Column secondsIntoWeek(Column micros, ZoneId zone) {
    Column local = functions.from_utc_timestamp(functions.timestamp_micros(micros), zone.getId());
    return functions
        .weekday(local)
        .cast("long")
        .multiply(lit(86_400L))
        .plus(functions.hour(local).multiply(lit(3600)))
        .plus(functions.minute(local).multiply(lit(60)))
        .plus(functions.second(local));
  }

  private static Map<CellKey, Map<LocalDate, WeekFacts>> assemble(
      List<Row> rows, FunnelStages stages, int slas) {
    Map<CellKey, Map<LocalDate, Builder>> cells = new HashMap<>();
    for (Row r : rows) {
      CellKey cell =
          new CellKey(
              stages.name(r.getInt(r.fieldIndex("stage"))),
              r.getString(r.fieldIndex("dimension")),
              r.getString(r.fieldIndex("dimension_value")));
      LocalDate week = LocalDate.ofEpochDay(r.getInt(r.fieldIndex("cohort_day")));
      Builder b =
          cells
              .computeIfAbsent(cell, k -> new HashMap<>())
              .computeIfAbsent(week, k -> new Builder(slas));
      b.add(
          r.getInt(r.fieldIndex("code")),
          r.getInt(r.fieldIndex("bin")),
          r.getLong(r.fieldIndex("count")));
      for (int k = 0; k < SLA_BASE + 2 * slas; k++) {
        b.count(k, r.getLong(r.fieldIndex(counter(k))));
      }
    }
    Map<CellKey, Map<LocalDate, WeekFacts>> out = new HashMap<>();
    cells.forEach(
        (cell, weeks) -> {
          Map<LocalDate, WeekFacts> m = new HashMap<>();
          weeks.forEach((week, b) -> m.put(week, b.build(cell, week)));
          out.put(cell, m);
        });
    return out;
  }

  /** Collects one cell-week's pairs. */
  private static final class Builder {
    private final long[][] bins = new long[4][0];
    private final long[] counters = new long[SLA_BASE];
    private final long[] met;
    private final long[] breached;

    Builder(int slas) {
      met = new long[slas];
      breached = new long[slas];
    }

    void add(int code, int bin, long count) {
      if (bins[code].length <= bin) {
        bins[code] = Arrays.copyOf(bins[code], bin + 1);
      }
      bins[code][bin] += count;
    }

    void count(int counter, long count) {
      if (counter < SLA_BASE) {
        counters[counter] += count;
      } else if ((counter - SLA_BASE) % 2 == 0) {
        met[(counter - SLA_BASE) / 2] += count;
      } else {
        breached[(counter - SLA_BASE) / 2] += count;
      }
    }

    WeekFacts build(CellKey cell, LocalDate week) {
      long fullAge = counters[FULL_AGE];
      return new WeekFacts(
          cell,
          week,
          WeekFacts.sum(bins[AGE]) + fullAge,
          WeekFacts.sum(bins[DELAY]),
          fullAge,
          counters[BY_ELAPSED],
          bins[DELAY],
          bins[AGE],
          bins[EXIT],
          bins[CENSORED],
          met,
          breached);
    }
  }

  /**
   * Every target's current period so far, in one aggregation: leads whose first entry into the
   * target's stage falls in the period that contains the as-of day, their amounts (the lead's
   * latest known amount, 0 if none) summed and squared.
   */
  public static List<AnomalyJudge.TargetFacts> targets(
      Dataset<Row> visitFacts, FunnelConfig config, LocalDate asOfDay) {
    List<TargetDefinition> targets = config.targets();
    if (targets.isEmpty()) {
      return List.of();
    }
    List<Column> aggs = new ArrayList<>();
    Column amount = coalesce(col("lead_amount"), lit(0.0));
    for (TargetDefinition t : targets) {
      LocalDate start = t.period().periodStart(asOfDay);
      Column in =
          col("is_entry")
              .and(col("stage").equalTo(lit(config.stages().code(t.stage()))))
              .and(
                  col(t.period().label() + "_start")
                      .equalTo(lit(Math.toIntExact(start.toEpochDay()))));
      aggs.add(sum(when(in, lit(1L)).otherwise(lit(0L))));
      aggs.add(sum(when(in, amount).otherwise(lit(0.0))));
      aggs.add(sum(when(in, amount.multiply(amount)).otherwise(lit(0.0))));
    }
    Row r =
        visitFacts.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    List<AnomalyJudge.TargetFacts> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      out.add(
          new AnomalyJudge.TargetFacts(
              targets.get(i),
              r.isNullAt(3 * i) ? 0 : r.getLong(3 * i),
              r.isNullAt(3 * i + 1) ? 0 : r.getDouble(3 * i + 1),
              r.isNullAt(3 * i + 2) ? 0 : r.getDouble(3 * i + 2)));
    }
    return out;
  }
}
