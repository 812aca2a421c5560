package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.lit;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import dev.funnel.stats.DurationSummary;
import java.time.LocalDate;
import java.util.ArrayList;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code time_in_stage}: per non-terminal stage, cohort (of the visit's entry) and breakdown, the
 * duration figures of {@link DurationSummary}. Each partition of visit facts first gathers its
 * visits' hours per cell (total row and every breakdown) into packed arrays; the arrays of a cell
 * then meet in one place, are merged and sorted once, so percentiles and Kaplan–Meier quantiles are
 * exact while the shuffle moves a few rows per cell rather than one row per visit.
 */
public final class TimeInStageTable {
  private static final StructType PARTIAL =
      new StructType()
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("stage_code", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false)
          .add("closed_hours", DataTypes.BinaryType, false)
          .add("censored_hours", DataTypes.BinaryType, false);

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
    List<Column> columns =
        new ArrayList<>(List.of(col("stage"), col("duration_hours"), col("censored_hours")));
    columns.addAll(CellRows.columns(Cohorts.CORE_GRAINS, config.dimensions().size()));
    Dataset<Row> partials =
        facts
            .where(col("stage").lt(config.stages().nonTerminalCount()))
            .select(columns.toArray(Column[]::new))
            .mapPartitions(new PartialCells(config.dimensions()), Encoders.row(PARTIAL));
    Dataset<Row> cells =
        partials
            .repartition(
                partitions,
                col("grain"),
                col("cohort_day"),
                col("stage_code"),
                col("dimension"),
                col("dimension_value"))
            .sortWithinPartitions(
                "grain", "cohort_day", "stage_code", "dimension", "dimension_value")
            .mapPartitions(new CellSummaries(), Encoders.row(CELL));
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

  /** A cell: grain, period, stage and breakdown. */
  private record CellKey(
      String grain, int cohortDay, int stage, String dimension, String dimensionValue) {}

  /** Closed durations and censoring times of one cell. */
  private static final class Durations {
    final DurationArrays closed = new DurationArrays();
    final DurationArrays censored = new DurationArrays();

    void add(boolean isClosed, double hours) {
      (isClosed ? closed : censored).add(hours);
    }
  }

  /** Gathers one partition's visits into packed per-cell arrays. */
  static final class PartialCells implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final List<String> dimensions;

    PartialCells(List<String> dimensions) {
      this.dimensions = List.copyOf(dimensions);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<CellKey, Durations> cells = new HashMap<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        int stage = row.getInt(0);
        boolean closed = !row.isNullAt(1);
        double hours = closed ? row.getDouble(1) : row.getDouble(2);
        CellRows.forEachCell(
            row,
            3,
            Cohorts.CORE_GRAINS,
            dimensions,
            (grain, day, dimension, value) ->
                cells
                    .computeIfAbsent(
                        new CellKey(grain, day, stage, dimension, value), k -> new Durations())
                    .add(closed, hours));
      }
      List<Row> out = new ArrayList<>(cells.size());
      for (Map.Entry<CellKey, Durations> e : cells.entrySet()) {
        CellKey k = e.getKey();
        out.add(
            RowFactory.create(
                k.grain(),
                k.cohortDay(),
                k.stage(),
                k.dimension(),
                k.dimensionValue(),
                e.getValue().closed.pack(),
                e.getValue().censored.pack()));
      }
      return out.iterator();
    }
  }

  /** Merges consecutive partial rows of one cell and summarises the cell. */
  static final class CellSummaries
      implements MapPartitionsFunction<Row, Row>, CellRows.CellMerge<Durations> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return CellRows.mergeRuns(rows, 5, this);
    }

    @Override
    public Durations start() {
      return new Durations();
    }

    @Override
    public void add(Durations durations, Row partial) {
      durations.closed.addPacked((byte[]) partial.get(5));
      durations.censored.addPacked((byte[]) partial.get(6));
    }

    @Override
    public Row finish(Row cell, Durations durations) {
      DurationSummary s =
          DurationSummary.of(durations.closed.toArray(), durations.censored.toArray());
      return RowFactory.create(
          cell.getString(0),
          cell.getInt(1),
          cell.getInt(2),
          cell.getString(3),
          cell.getString(4),
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
}
