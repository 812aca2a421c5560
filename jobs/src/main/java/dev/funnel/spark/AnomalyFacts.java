package dev.funnel.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The anomaly phase's compact facts, aggregated from the run's visit facts in one pass: per stage,
 * breakdown cell and cohort week, counts of leads and binned delays, ages and visit lengths (see
 * {@link WeekFacts}). The result is bounded by cells × weeks × bins, whatever the number of events,
 * so it is collected to the driver for {@link AnomalyJudge}.
 */
public final class AnomalyFacts {
  // Codes of the (code, bin) pairs each visit fact contributes; counters use bin 0.
  static final int DELAY = 0;
  static final int AGE = 1;
  static final int EXIT = 2;
  static final int CENSORED = 3;
  static final int ENTERED = 4;
  static final int CONVERTED = 5;
  static final int FULL_AGE = 6;
  static final int BY_ELAPSED = 7;
  static final int SLA_BASE = 8;

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
    int dimensions = config.dimensions().size();
    List<SlaDefinition> slas = config.slas();
    int[] slaStages = new int[slas.size()];
    for (int i = 0; i < slas.size(); i++) {
      slaStages[i] = stages.code(slas.get(i).stage());
    }
    PairCounter counter =
        new PairCounter(
            dimensions,
            slaStages,
            FunnelCalendar.toMicros(asOf),
            config.conversionWindowDays() * 24.0,
            asOfDay.getDayOfWeek().getValue() * 86_400L,
            config.zone().getId());
    // First the (code, bin) pairs per stage, week and combination of dimension values, counted in
    // plain Java per partition, so that the visits shrink to a few rows per combination before the
    // fan-out to the breakdown cells (exploding about ten pairs per visit into rows for Spark's
    // aggregation cost most of the phase).
    Dataset<Row> combinations =
        visitFacts
            .where(
                col(VisitFacts.STAGE)
                    .lt(lit(stages.nonTerminalCount()))
                    .and(
                        col(VisitFacts.periodStart(Grain.WEEK))
                            .geq(lit(Math.toIntExact(firstWeek.toEpochDay())))))
            .select(PairCounter.inputColumns(dimensions, slas.size()))
            .mapPartitions(counter, Encoders.row(PairCounter.outputSchema(dimensions)));
    Dataset<Row> counts =
        combinations
            .select(
                col(VisitFacts.STAGE),
                col("code"),
                col("bin"),
                col("count"),
                inline(Cohorts.cells(List.of(Grain.WEEK), config.dimensions())))
            .groupBy(
                col(VisitFacts.STAGE),
                col("dimension"),
                col("dimension_value"),
                col("cohort_day"),
                col("code"),
                col("bin"))
            .agg(functions.sum(col("count")).as("count"));
    return assemble(counts.collectAsList(), stages, slas.size());
  }

  /**
   * Counts one partition's visit facts as (code, bin) pairs per stage, week and combination of
   * dimension values. A visit contributes: {@link #EXIT} with the bin of its length if closed, else
   * {@link #CENSORED} with the bin of its age at the as-of instant; a first entry also {@link
   * #ENTERED}, {@link #FULL_AGE} if at least a window old at the as-of instant or else {@link #AGE}
   * with the bin of its age, {@link #CONVERTED} and {@link #DELAY} with the bin of its time to
   * convert if converted, {@link #BY_ELAPSED} if it entered before the as-of's elapsed part of its
   * week (local weekday and time, {@link #secondsIntoWeek}); per SLA of its stage, met or breached.
   * Bins are {@link DurationBins}.
   */
  static final class PairCounter implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int dimensions;
    private final int[] slaStages;
    private final long asOfMicros;
    private final double windowHours;
    private final long elapsedSeconds;
    private final String zone;

    PairCounter(
        int dimensions,
        int[] slaStages,
        long asOfMicros,
        double windowHours,
        long elapsedSeconds,
        String zone) {
      this.dimensions = dimensions;
      this.slaStages = slaStages.clone();
      this.asOfMicros = asOfMicros;
      this.windowHours = windowHours;
      this.elapsedSeconds = elapsedSeconds;
      this.zone = zone;
    }

    /** The visit-fact columns it reads, in the order it reads them. */
    static Column[] inputColumns(int dimensions, int slas) {
      List<Column> c = new ArrayList<>();
      for (String name :
          List.of(
              VisitFacts.STAGE,
              VisitFacts.periodStart(Grain.WEEK),
              VisitFacts.IS_ENTRY,
              VisitFacts.CONVERTED,
              VisitFacts.ENTERED_AT,
              VisitFacts.CONVERTED_AT,
              VisitFacts.IS_OPEN,
              VisitFacts.DURATION_HOURS,
              VisitFacts.CENSORED_HOURS)) {
        c.add(col(name));
      }
      for (int d = 0; d < dimensions; d++) {
        c.add(col(VisitFacts.dimension(d)));
      }
      for (int i = 0; i < slas; i++) {
        c.add(col(VisitFacts.sla(i, VisitFacts.SLA_STATUS)));
      }
      return c.toArray(Column[]::new);
    }

    /** Its rows: stage, week, the dimension values, code, bin and count. */
    static StructType outputSchema(int dimensions) {
      StructType schema =
          new StructType()
              .add(VisitFacts.STAGE, DataTypes.IntegerType, false)
              .add(VisitFacts.periodStart(Grain.WEEK), DataTypes.IntegerType, false);
      for (int d = 0; d < dimensions; d++) {
        schema = schema.add(VisitFacts.dimension(d), DataTypes.StringType, false);
      }
      return schema
          .add("code", DataTypes.IntegerType, false)
          .add("bin", DataTypes.IntegerType, false)
          .add("count", DataTypes.LongType, false);
    }

    /** One stage, week and combination of dimension values. */
    private record Combination(int stage, int week, List<String> values) {}

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ZoneId zoneId = ZoneId.of(zone);
      int codes = SLA_BASE + 2 * slaStages.length;
      Map<Combination, long[][]> counts = new HashMap<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        int stage = r.getInt(0);
        String[] values = new String[dimensions];
        for (int d = 0; d < dimensions; d++) {
          values[d] = r.getString(9 + d);
        }
        long[][] c =
            counts.computeIfAbsent(
                new Combination(stage, r.getInt(1), List.of(values)), k -> new long[codes][]);
        if (r.getBoolean(6)) {
          add(c, CENSORED, DurationBins.bin(hours(r, 8)));
        } else {
          add(c, EXIT, DurationBins.bin(hours(r, 7)));
        }
        if (!r.getBoolean(2)) {
          continue;
        }
        long entered = r.getLong(4);
        add(c, ENTERED, 0);
        double ageHours = (asOfMicros - entered) / MICROS_PER_HOUR;
        if (ageHours >= windowHours) {
          add(c, FULL_AGE, 0);
        } else {
          add(c, AGE, DurationBins.bin(ageHours));
        }
        if (!r.isNullAt(3) && r.getBoolean(3)) {
          add(c, CONVERTED, 0);
          add(c, DELAY, DurationBins.bin((r.getLong(5) - entered) / MICROS_PER_HOUR));
        }
        if (secondsIntoWeek(entered, zoneId) < elapsedSeconds) {
          add(c, BY_ELAPSED, 0);
        }
        for (int i = 0; i < slaStages.length; i++) {
          int column = 9 + dimensions + i;
          if (stage != slaStages[i] || r.isNullAt(column)) {
            continue;
          }
          String status = r.getString(column);
          if ("met".equals(status)) {
            add(c, SLA_BASE + 2 * i, 0);
          } else if ("breached".equals(status)) {
            add(c, SLA_BASE + 2 * i + 1, 0);
          }
        }
      }
      List<Row> out = new ArrayList<>();
      counts.forEach(
          (k, c) -> {
            for (int code = 0; code < c.length; code++) {
              long[] bins = c[code];
              for (int bin = 0; bins != null && bin < bins.length; bin++) {
                if (bins[bin] == 0) {
                  continue;
                }
                Object[] v = new Object[5 + dimensions];
                v[0] = k.stage();
                v[1] = k.week();
                for (int d = 0; d < dimensions; d++) {
                  v[2 + d] = k.values().get(d);
                }
                v[2 + dimensions] = code;
                v[3 + dimensions] = bin;
                v[4 + dimensions] = bins[bin];
                out.add(RowFactory.create(v));
              }
            }
          });
      return out.iterator();
    }

    private static double hours(Row r, int column) {
      if (r.isNullAt(column)) {
        throw new IllegalStateException("a visit fact without its hours: " + r);
      }
      return r.getDouble(column);
    }

    private static void add(long[][] counts, int code, int bin) {
      long[] bins = counts[code];
      if (bins == null || bins.length <= bin) {
        bins = bins == null ? new long[bin + 1] : Arrays.copyOf(bins, bin + 1);
        counts[code] = bins;
      }
      bins[bin]++;
    }
  }

  /**
   * Seconds from the local Monday 00:00 of an instant (µs) to its local wall-clock time in {@code
   * zone}: the same weekday and time in every week, whatever the daylight-saving offset (sub-second
   * parts are dropped).
   */
  static long secondsIntoWeek(long micros, ZoneId zone) {
    java.time.LocalDateTime local =
        Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)).atZone(zone).toLocalDateTime();
    return (local.getDayOfWeek().getValue() - 1) * 86_400L + local.toLocalTime().toSecondOfDay();
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
    private final long[] counters = new long[4];
    private final long[] met;
    private final long[] breached;

    Builder(int slas) {
      met = new long[slas];
      breached = new long[slas];
    }

    void add(int code, int bin, long count) {
      if (code < ENTERED) {
        if (bins[code].length <= bin) {
          bins[code] = Arrays.copyOf(bins[code], bin + 1);
        }
        bins[code][bin] += count;
      } else if (code < SLA_BASE) {
        counters[code - ENTERED] += count;
      } else if ((code - SLA_BASE) % 2 == 0) {
        met[(code - SLA_BASE) / 2] += count;
      } else {
        breached[(code - SLA_BASE) / 2] += count;
      }
    }

    WeekFacts build(CellKey cell, LocalDate week) {
      return new WeekFacts(
          cell,
          week,
          counters[ENTERED - ENTERED],
          counters[CONVERTED - ENTERED],
          counters[FULL_AGE - ENTERED],
          counters[BY_ELAPSED - ENTERED],
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
