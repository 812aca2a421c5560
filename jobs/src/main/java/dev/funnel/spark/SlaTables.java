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
import org.apache.spark.sql.functions;
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

  /** The key of a cell: partial rows of one cell are merged by these leading columns. */
  private static final StructType KEY =
      new StructType()
          .add("sla", DataTypes.StringType, false)
          .add("grain", DataTypes.StringType, false)
          .add("cohort_day", DataTypes.IntegerType, false)
          .add("dimension", DataTypes.StringType, false)
          .add("dimension_value", DataTypes.StringType, false);

  /** The counts per status, in {@link SlaOutcome.Status} order. */
  private static final List<String> COUNTS = List.of("met", "breached", "pending");

  private static final StructType PARTIAL =
      KEY.add(COUNTS.get(0), DataTypes.LongType, false)
          .add(COUNTS.get(1), DataTypes.LongType, false)
          .add(COUNTS.get(2), DataTypes.LongType, false)
          .add("worked_hours", DataTypes.BinaryType, false);

  private static final int FIRST_COUNT = PARTIAL.fieldIndex(COUNTS.get(0));
  private static final int WORKED_HOURS = PARTIAL.fieldIndex("worked_hours");

  private static final StructType CELL =
      KEY.add(COUNTS.get(0), DataTypes.LongType, false)
          .add(COUNTS.get(1), DataTypes.LongType, false)
          .add(COUNTS.get(2), DataTypes.LongType, false)
          .add("p50_response_hours", DataTypes.DoubleType, true)
          .add("p90_response_hours", DataTypes.DoubleType, true);

  /** A standing's columns, in this order, then {@link CellRows#columns}. */
  private static final int IN_SLA = 0;

  private static final int IN_STATUS = 1;
  private static final int IN_WORKED = 2;
  private static final int IN_HOURS = 3;
  private static final int IN_CELLS = 4;

  /** Standings of one SLA: its name, then the lead's status, worked flag and response hours. */
  private static List<Column> standingColumns(String sla, int i) {
    List<Column> columns = new ArrayList<>(IN_CELLS);
    columns.add(lit(sla)); // IN_SLA
    columns.add(col(VisitFacts.sla(i, VisitFacts.SLA_STATUS))); // IN_STATUS
    columns.add(col(VisitFacts.sla(i, VisitFacts.SLA_WORKED))); // IN_WORKED
    columns.add(col(VisitFacts.sla(i, VisitFacts.SLA_RESPONSE_HOURS))); // IN_HOURS
    return columns;
  }

  /**
   * Per SLA, grain, period of first entry and breakdown: met, breached, pending and type-7
   * percentiles of worked leads' response hours. Each partition gathers its counts and response
   * hours per cell first; a cell's arrays are merged and sorted once.
   */
  public static Dataset<Row> compliance(RunContext run) {
    Dataset<Row> facts = run.facts();
    FunnelConfig config = run.config();
    LocalDate asOf = run.asOfDay();
    if (config.slas().isEmpty()) {
      return empty(facts, OutputTable.schema(Schemas.SLA_COMPLIANCE, config));
    }
    Dataset<Row> standings = null;
    for (int i = 0; i < config.slas().size(); i++) {
      List<Column> columns = standingColumns(config.slas().get(i).name(), i);
      columns.addAll(CellRows.columns(GRAINS, config.dimensions().size()));
      Dataset<Row> sla =
          facts
              .where(col(VisitFacts.sla(i, VisitFacts.SLA_STATUS)).isNotNull())
              .select(columns.toArray(Column[]::new));
      standings = standings == null ? sla : standings.unionAll(sla);
    }
    Dataset<Row> cells =
        standings
            .mapPartitions(new PartialCompliance(config.dimensions()), Encoders.row(PARTIAL))
            .repartition(col("sla"), col("grain"), col("cohort_day"))
            .sortWithinPartitions(
                Arrays.stream(KEY.fieldNames()).map(functions::col).toArray(Column[]::new))
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
    return Conform.toSchema(rows, OutputTable.schema(Schemas.SLA_COMPLIANCE, config));
  }

  /** A cell: SLA, grain, period and breakdown. */
  private record CellKey(
      String sla, String grain, int cohortDay, String dimension, String dimensionValue) {}

  /** Counts by status and the worked leads' response hours of one cell. */
  private static final class Standing {
    final long[] counts = new long[COUNTS.size()];
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
      List<Cohorts.Cell> fanOut = Cohorts.fanOut(GRAINS, dimensions);
      while (rows.hasNext()) {
        Row row = rows.next();
        String sla = row.getString(IN_SLA);
        int status = statusIndex(row.getString(IN_STATUS));
        boolean worked = row.getBoolean(IN_WORKED);
        double hours = row.getDouble(IN_HOURS);
        CellRows.forEachCell(
            row,
            IN_CELLS,
            GRAINS.size(),
            fanOut,
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
      return CellRows.mergeRuns(rows, KEY.size(), this);
    }

    @Override
    public Standing start() {
      return new Standing();
    }

    @Override
    public void add(Standing standing, Row partial) {
      for (int i = 0; i < COUNTS.size(); i++) {
        standing.counts[i] += partial.getLong(FIRST_COUNT + i);
      }
      standing.workedHours.addPacked((byte[]) partial.get(WORKED_HOURS));
    }

    @Override
    public Row finish(Row cell, Standing standing) {
      double[] worked = standing.workedHours.toArray();
      Arrays.sort(worked);
      Percentiles percentiles = Percentiles.of(worked);
      long[] counts = standing.counts;
      return CellRows.keyThen(
          cell,
          KEY.size(),
          counts[0],
          counts[1],
          counts[2],
          percentiles.quantile(0.5),
          percentiles.quantile(0.9));
    }
  }

  /** One row per lead that breached an SLA, with its dimension values, so someone can act. */
  public static Dataset<Row> breaches(RunContext run) {
    Dataset<Row> facts = run.facts();
    FunnelConfig config = run.config();
    LocalDate asOf = run.asOfDay();
    List<String> dimensions = config.dimensions();
    StructType schema = OutputTable.schema(Schemas.SLA_BREACHES, config);
    Dataset<Row> rows = empty(facts, schema);
    for (int i = 0; i < config.slas().size(); i++) {
      SlaDefinition sla = config.slas().get(i);
      List<Column> columns = new ArrayList<>();
      columns.add(lit(java.sql.Date.valueOf(asOf)).as("as_of"));
      columns.add(lit(sla.name()).as("sla"));
      columns.add(col(VisitFacts.LEAD_ID));
      columns.add(timestamp_micros(col(VisitFacts.ENTERED_AT)).as("entered_at"));
      columns.add(timestamp_micros(col(VisitFacts.EXITED_AT)).as("worked_at"));
      columns.add(col(VisitFacts.sla(i, VisitFacts.SLA_RESPONSE_HOURS)).as("response_hours"));
      columns.add(lit(sla.withinHours()).as("within_hours"));
      columns.addAll(VisitFacts.namedDimensions(dimensions));
      Dataset<Row> breached =
          facts
              .where(
                  col(VisitFacts.sla(i, VisitFacts.SLA_STATUS))
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
