package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;

import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import dev.funnel.stats.DurationSummary;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * {@code time_in_stage}: per non-terminal stage, cohort (of the visit's entry) and breakdown, the
 * duration figures of {@link DurationSummary}. Each (grain, period, stage) group of visits is
 * brought together once and sorted once; its total row and every breakdown row are computed from
 * that group in one pass, so percentiles and Kaplan–Meier quantiles are exact.
 */
public final class TimeInStageTable {
  private static final StructType CELL =
      new StructType()
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("stage_code", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false)
          .add("visits", DataTypes.LongType, false)
          .add("closed", DataTypes.LongType, false)
          .add("open", DataTypes.LongType, false)
          .add("mean_hours", DataTypes.DoubleType, true)
          .add("p50_hours", DataTypes.DoubleType, true)
          .add("p75_hours", DataTypes.DoubleType, true)
          .add("p90_hours", DataTypes.DoubleType, true)
          .add("p95_hours", DataTypes.DoubleType, true)
          .add("km_p50_hours", DataTypes.DoubleType, true)
          .add("km_p90_hours", DataTypes.DoubleType, true);

  private TimeInStageTable() {}

  /** Builds the table from {@link LeadHistories} visit facts. */
  public static Dataset<Row> build(
      Dataset<Row> facts, FunnelConfig config, LocalDate asOfDay, int partitions) {
    List<Column> grainCells = new ArrayList<>();
    for (Grain grain : Cohorts.CORE_GRAINS) {
      grainCells.add(
          functions.struct(
              lit(grain.label()).as("grain"), col(grain.label() + "_start").as("cohort_day")));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(inline(functions.array(grainCells.toArray(Column[]::new))));
    columns.add(col("stage").as("stage_code"));
    columns.add(col("duration_hours"));
    columns.add(col("censored_hours"));
    for (int d = 0; d < config.dimensions().size(); d++) {
      columns.add(col(LeadHistories.DIM + d));
    }
    Dataset<Row> visits =
        facts
            .where(col("stage").lt(config.stages().nonTerminalCount()))
            .select(columns.toArray(Column[]::new));
    Dataset<Row> cells =
        visits
            .repartition(partitions, col("grain"), col("cohort_day"), col("stage_code"))
            .sortWithinPartitions("grain", "cohort_day", "stage_code")
            .mapPartitions(new CellSummaries(config.dimensions()), Encoders.row(CELL));
    Dataset<Row> rows =
        cells.select(
            lit(java.sql.Date.valueOf(asOfDay)).as("as_of"),
            col("grain"),
            date_from_unix_date(col("cohort_day")).as("cohort_start"),
            StageNames.name(config.stages(), col("stage_code")).as("stage"),
            col("dimension"),
            col("dimension_value"),
            col("visits"),
            col("closed"),
            col("open"),
            col("mean_hours"),
            col("p50_hours"),
            col("p75_hours"),
            col("p90_hours"),
            col("p95_hours"),
            col("km_p50_hours"),
            col("km_p90_hours"));
    return Conform.toSchema(rows, Schemas.load(Schemas.TIME_IN_STAGE));
  }

  /** Summarises consecutive rows of one (grain, period, stage) group into cell rows. */
  static final class CellSummaries implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final List<String> dimensions;

    CellSummaries(List<String> dimensions) {
      this.dimensions = List.copyOf(dimensions);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      Row row = rows.hasNext() ? rows.next() : null;
      while (row != null) {
        String grain = row.getString(0);
        int day = row.getInt(1);
        int stage = row.getInt(2);
        Durations all = new Durations();
        List<Map<String, Durations>> byValue = new ArrayList<>();
        for (int d = 0; d < dimensions.size(); d++) {
          byValue.add(new LinkedHashMap<>());
        }
        while (row != null
            && row.getInt(1) == day
            && row.getInt(2) == stage
            && Objects.equals(row.getString(0), grain)) {
          boolean closed = !row.isNullAt(3);
          double hours = closed ? row.getDouble(3) : row.getDouble(4);
          all.add(closed, hours);
          for (int d = 0; d < dimensions.size(); d++) {
            byValue
                .get(d)
                .computeIfAbsent(row.getString(5 + d), v -> new Durations())
                .add(closed, hours);
          }
          row = rows.hasNext() ? rows.next() : null;
        }
        out.add(cell(grain, day, stage, Cohorts.ALL, Cohorts.ALL, all));
        for (int d = 0; d < dimensions.size(); d++) {
          for (Map.Entry<String, Durations> e : byValue.get(d).entrySet()) {
            out.add(cell(grain, day, stage, dimensions.get(d), e.getKey(), e.getValue()));
          }
        }
      }
      return out.iterator();
    }

    private static Row cell(
        String grain, int day, int stage, String dimension, String value, Durations durations) {
      DurationSummary s = durations.summarize();
      return RowFactory.create(
          grain,
          day,
          stage,
          dimension,
          value,
          s.visits(),
          s.closed(),
          s.open(),
          s.meanHours(),
          s.p50Hours(),
          s.p75Hours(),
          s.p90Hours(),
          s.p95Hours(),
          s.kmP50Hours(),
          s.kmP90Hours());
    }
  }

  /** Growable arrays of closed durations and censoring times. */
  private static final class Durations {
    private double[] closed = new double[8];
    private double[] censored = new double[8];
    private int closedCount;
    private int censoredCount;

    void add(boolean isClosed, double hours) {
      if (isClosed) {
        if (closedCount == closed.length) {
          closed = java.util.Arrays.copyOf(closed, closedCount * 2);
        }
        closed[closedCount++] = hours;
      } else {
        if (censoredCount == censored.length) {
          censored = java.util.Arrays.copyOf(censored, censoredCount * 2);
        }
        censored[censoredCount++] = hours;
      }
    }

    DurationSummary summarize() {
      return DurationSummary.of(
          java.util.Arrays.copyOf(closed, closedCount),
          java.util.Arrays.copyOf(censored, censoredCount));
    }
  }
}
