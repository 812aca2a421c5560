package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.when;

import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.SlaDefinition;
import dev.funnel.io.Schemas;
import dev.funnel.sla.SlaOutcome;
import dev.funnel.stats.Percentiles;
import java.time.LocalDate;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code sla_compliance} and {@code sla_breaches}, from each lead's SLA standing computed in the
 * lead pass ({@link SlaOutcome}) and carried on its first visit to the SLA's stage.
 */
public final class SlaTables {
  /** The periods of sla_compliance. */
  public static final List<Grain> GRAINS = List.of(Grain.DAY, Grain.WEEK, Grain.MONTH);

  private SlaTables() {}

  private static final StructType PARTIAL =
      new StructType()
          .add("sla", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false)
          .add("met", DataTypes.LongType, false)
          .add("breached", DataTypes.LongType, false)
          .add("pending", DataTypes.LongType, false)
          .add("worked_hours", DataTypes.BinaryType, false);

  private static final StructType CELL =
      new StructType()
          .add("sla", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false)
          .add("met", DataTypes.LongType, false)
          .add("breached", DataTypes.LongType, false)
          .add("pending", DataTypes.LongType, false)
          .add("p50_response_hours", DataTypes.DoubleType, true)
          .add("p90_response_hours", DataTypes.DoubleType, true);

  /**
   * Per SLA, grain, period of first entry and breakdown: met, breached, pending and type-7
   * percentiles of worked leads' response hours. Each partition gathers its counts and response
   * hours per cell first; a cell's arrays are merged and sorted once.
   */
  public static Dataset<Row> compliance(Dataset<Row> facts, FunnelConfig config, LocalDate asOf) {
    if (config.slas().isEmpty()) {
      return empty(facts, Schemas.load(Schemas.SLA_COMPLIANCE));
    }
    Dataset<Row> standings = null;
    for (int i = 0; i < config.slas().size(); i++) {
      List<Column> columns = new ArrayList<>();
      columns.add(lit(config.slas().get(i).name()));
      columns.add(col(LeadHistories.slaColumn(i, "status")));
      columns.add(col(LeadHistories.slaColumn(i, "worked")));
      columns.add(col(LeadHistories.slaColumn(i, "response_hours")));
      columns.addAll(CellRows.columns(GRAINS, config.dimensions().size()));
      Dataset<Row> sla =
          facts
              .where(col(LeadHistories.slaColumn(i, "status")).isNotNull())
              .select(columns.toArray(Column[]::new));
      standings = standings == null ? sla : standings.unionAll(sla);
    }
    Dataset<Row> cells =
        standings
            .mapPartitions(new PartialCompliance(config.dimensions()), Encoders.row(PARTIAL))
            .repartition(col("sla"), col("grain"), col("cohort_day"))
            .sortWithinPartitions("sla", "grain", "cohort_day", "dimension", "dimension_value")
            .mapPartitions(new CellCompliance(), Encoders.row(CELL));
    Column decided = col("met").plus(col("breached"));
    Dataset<Row> rows =
        cells.select(
            lit(java.sql.Date.valueOf(asOf)).as("as_of"),
            col("sla"),
            col("grain"),
            date_from_unix_date(col("cohort_day")).as("period_start"),
            col("dimension"),
            col("dimension_value"),
            decided.plus(col("pending")).as("entered"),
            col("met"),
            col("breached"),
            col("pending"),
            when(decided.gt(0), col("met").divide(decided)).as("compliance_rate"),
            col("p50_response_hours"),
            col("p90_response_hours"));
    return Conform.toSchema(rows, Schemas.load(Schemas.SLA_COMPLIANCE));
  }

  /** A cell: SLA, grain, period and breakdown. */
  private record CellKey(
      String sla, String grain, int cohortDay, String dimension, String dimensionValue) {}

  /** Counts by status and the worked leads' response hours of one cell. */
  private static final class Standing {
    final long[] counts = new long[3];
    final DurationArrays workedHours = new DurationArrays();
  }

  /** Gathers one partition's SLA standings per cell. */
  static final class PartialCompliance implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final List<String> dimensions;

    PartialCompliance(List<String> dimensions) {
      this.dimensions = List.copyOf(dimensions);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<CellKey, Standing> cells = new HashMap<>();
      while (rows.hasNext()) {
        Row row = rows.next();
        String sla = row.getString(0);
        int status = statusIndex(row.getString(1));
        boolean worked = row.getBoolean(2);
        double hours = row.getDouble(3);
        CellRows.forEachCell(
            row,
            4,
            GRAINS,
            dimensions,
            (grain, day, dimension, value) ->
                add(cells, new CellKey(sla, grain, day, dimension, value), status, worked, hours));
      }
      List<Row> out = new ArrayList<>(cells.size());
      for (Map.Entry<CellKey, Standing> e : cells.entrySet()) {
        CellKey k = e.getKey();
        long[] c = e.getValue().counts;
        out.add(
            RowFactory.create(
                k.sla(),
                k.grain(),
                k.cohortDay(),
                k.dimension(),
                k.dimensionValue(),
                c[0],
                c[1],
                c[2],
                e.getValue().workedHours.pack()));
      }
      return out.iterator();
    }

    private static int statusIndex(String label) {
      for (SlaOutcome.Status s : SlaOutcome.Status.values()) {
        if (s.label().equals(label)) {
          return s.ordinal();
        }
      }
      throw new IllegalArgumentException("unknown SLA status " + label);
    }

    private static void add(
        Map<CellKey, Standing> cells, CellKey key, int status, boolean worked, double hours) {
      Standing standing = cells.computeIfAbsent(key, k -> new Standing());
      standing.counts[status]++;
      if (worked) {
        standing.workedHours.add(hours);
      }
    }
  }

  /** Merges consecutive partial rows of one cell; type-7 percentiles of the worked hours. */
  static final class CellCompliance
      implements MapPartitionsFunction<Row, Row>, CellRows.CellMerge<Standing> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return CellRows.mergeRuns(rows, 5, this);
    }

    @Override
    public Standing start() {
      return new Standing();
    }

    @Override
    public void add(Standing standing, Row partial) {
      for (int i = 0; i < 3; i++) {
        standing.counts[i] += partial.getLong(5 + i);
      }
      standing.workedHours.addPacked((byte[]) partial.get(8));
    }

    @Override
    public Row finish(Row cell, Standing standing) {
      double[] worked = standing.workedHours.toArray();
      Arrays.sort(worked);
      Percentiles percentiles = Percentiles.of(worked);
      long[] counts = standing.counts;
      return RowFactory.create(
          cell.getString(0),
          cell.getString(1),
          cell.getInt(2),
          cell.getString(3),
          cell.getString(4),
          counts[0],
          counts[1],
          counts[2],
          percentiles.quantile(0.5),
          percentiles.quantile(0.9));
    }
  }

  /** One row per lead that breached an SLA, with its dimension values, so someone can act. */
  public static Dataset<Row> breaches(Dataset<Row> facts, FunnelConfig config, LocalDate asOf) {
    List<String> dimensions = config.dimensions();
    StructType schema = Schemas.load(Schemas.SLA_BREACHES, dimensions);
    Dataset<Row> rows = empty(facts, schema);
    for (int i = 0; i < config.slas().size(); i++) {
      SlaDefinition sla = config.slas().get(i);
      List<Column> columns = new ArrayList<>();
      columns.add(lit(java.sql.Date.valueOf(asOf)).as("as_of"));
      columns.add(lit(sla.name()).as("sla"));
      columns.add(col("lead_id"));
      columns.add(timestamp_micros(col("entered_at")).as("entered_at"));
      columns.add(timestamp_micros(col("exited_at")).as("worked_at"));
      columns.add(col(LeadHistories.slaColumn(i, "response_hours")).as("response_hours"));
      columns.add(lit(sla.withinHours()).as("within_hours"));
      for (int d = 0; d < dimensions.size(); d++) {
        columns.add(col(LeadHistories.DIM + d).as(dimensions.get(d)));
      }
      Dataset<Row> breached =
          facts
              .where(
                  col(LeadHistories.slaColumn(i, "status"))
                      .equalTo(SlaOutcome.Status.BREACHED.label()))
              .select(columns.toArray(Column[]::new));
      rows = rows.unionAll(Conform.toSchema(breached, schema));
    }
    return rows;
  }

  private static Dataset<Row> empty(Dataset<Row> facts, StructType schema) {
    return facts.sparkSession().createDataFrame(List.of(), schema);
  }
}
