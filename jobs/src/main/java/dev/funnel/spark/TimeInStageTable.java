package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.lit;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import dev.funnel.stats.DurationSummary;
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
 * {@code time_in_stage}: per non-terminal stage, cohort (of the visit's entry) and breakdown, the
 * duration figures of {@link DurationSummary}. Each partition of visit facts first gathers its
 * visits' hours per cell (total row and every breakdown) into packed arrays; the arrays of a cell
 * then meet in one place, are merged and sorted once, so percentiles and Kaplan–Meier quantiles are
 * exact while the shuffle moves a few rows per cell rather than one row per visit.
 */
public final class TimeInStageTable {
  private TimeInStageTable() {}

  /** The visit-fact columns a visit contributes, in this order, then {@link CellRows#columns}. */
  private static final List<String> INPUT =
      List.of(VisitFacts.STAGE, VisitFacts.DURATION_HOURS, VisitFacts.CENSORED_HOURS);

  private static final int IN_STAGE = INPUT.indexOf(VisitFacts.STAGE);
  private static final int IN_DURATION = INPUT.indexOf(VisitFacts.DURATION_HOURS);
  private static final int IN_CENSORED = INPUT.indexOf(VisitFacts.CENSORED_HOURS);
  private static final int IN_CELLS = INPUT.size();

  /** The key of a cell: partial rows of one cell are merged by these leading columns. */
  private static final StructType KEY =
      new StructType()
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("stage_code", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false);

  private static final StructType PARTIAL =
      KEY.add("closed_hours", DataTypes.BinaryType, false)
          .add("censored_hours", DataTypes.BinaryType, false);

  private static final int CLOSED_HOURS = PARTIAL.fieldIndex("closed_hours");
  private static final int CENSORED_HOURS = PARTIAL.fieldIndex("censored_hours");

  private static final StructType CELL =
      KEY.add("visits", DataTypes.LongType, false)
          .add("closed", DataTypes.LongType, false)
          .add("open", DataTypes.LongType, false)
          .add("mean_hours", DataTypes.DoubleType, true)
          .add("p50_hours", DataTypes.DoubleType, true)
          .add("p75_hours", DataTypes.DoubleType, true)
          .add("p90_hours", DataTypes.DoubleType, true)
          .add("p95_hours", DataTypes.DoubleType, true)
          .add("km_p50_hours", DataTypes.DoubleType, true)
          .add("km_p90_hours", DataTypes.DoubleType, true);

  /** Builds the table from the run's {@link VisitFacts}. */
  public static Dataset<Row> build(RunContext run) {
    FunnelConfig config = run.config();
    List<Column> columns = new ArrayList<>();
    for (String input : INPUT) {
      columns.add(col(input));
    }
    columns.addAll(CellRows.columns(Cohorts.CORE_GRAINS, config.dimensions().size()));
    Dataset<Row> partials =
        run.facts()
            .where(col(VisitFacts.STAGE).lt(config.stages().nonTerminalCount()))
            .select(columns.toArray(Column[]::new))
            .mapPartitions(new PartialCells(config.dimensions()), Encoders.row(PARTIAL));
    Column[] key = Arrays.stream(KEY.fieldNames()).map(functions::col).toArray(Column[]::new);
    Dataset<Row> cells =
        partials
            .repartition(run.partitions(), key)
            .sortWithinPartitions(key)
            .mapPartitions(new CellSummaries(), Encoders.row(CELL));
    Dataset<Row> rows =
        cells.select(
            lit(java.sql.Date.valueOf(run.asOfDay())).as("as_of"),
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
    return Conform.toSchema(rows, OutputTable.schema(Schemas.TIME_IN_STAGE, run.config()));
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
      List<Cohorts.Cell> fanOut = Cohorts.fanOut(Cohorts.CORE_GRAINS, dimensions);
      while (rows.hasNext()) {
        Row row = rows.next();
        int stage = row.getInt(IN_STAGE);
        boolean closed = !row.isNullAt(IN_DURATION);
        double hours = closed ? row.getDouble(IN_DURATION) : row.getDouble(IN_CENSORED);
        CellRows.forEachCell(
            row,
            IN_CELLS,
            Cohorts.CORE_GRAINS.size(),
            fanOut,
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
      return CellRows.mergeRuns(rows, KEY.size(), this);
    }

    @Override
    public Durations start() {
      return new Durations();
    }

    @Override
    public void add(Durations durations, Row partial) {
      durations.closed.addPacked((byte[]) partial.get(CLOSED_HOURS));
      durations.censored.addPacked((byte[]) partial.get(CENSORED_HOURS));
    }

    @Override
    public Row finish(Row cell, Durations durations) {
      DurationSummary s =
          DurationSummary.of(durations.closed.toArray(), durations.censored.toArray());
      return CellRows.keyThen(
          cell,
          KEY.size(),
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
