package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.when;

import dev.funnel.calendar.Grain;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.SlaDefinition;
import dev.funnel.io.Schemas;
import dev.funnel.sla.SlaOutcome;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * {@code sla_compliance} and {@code sla_breaches}, from each lead's SLA standing computed in the
 * lead pass ({@link SlaOutcome}) and carried on its first visit to the SLA's stage.
 */
public final class SlaTables {
  /** The periods of sla_compliance. */
  public static final List<Grain> GRAINS = List.of(Grain.DAY, Grain.WEEK, Grain.MONTH);

  private SlaTables() {}

  /** Per SLA, grain, period of first entry and breakdown: met, breached, pending, percentiles. */
  public static Dataset<Row> compliance(Dataset<Row> facts, FunnelConfig config, LocalDate asOf) {
    if (config.slas().isEmpty()) {
      return empty(facts, Schemas.load(Schemas.SLA_COMPLIANCE));
    }
    Dataset<Row> cells = null;
    for (int i = 0; i < config.slas().size(); i++) {
      Dataset<Row> sla =
          facts
              .where(col(LeadHistories.slaColumn(i, "status")).isNotNull())
              .select(
                  lit(config.slas().get(i).name()).as("sla"),
                  col(LeadHistories.slaColumn(i, "status")).as("status"),
                  when(
                          col(LeadHistories.slaColumn(i, "worked")),
                          col(LeadHistories.slaColumn(i, "response_hours")))
                      .as("worked_hours"),
                  inline(Cohorts.cells(GRAINS, config.dimensions())));
      cells = cells == null ? sla : cells.unionAll(sla);
    }
    Dataset<Row> counts =
        cells
            .groupBy("sla", "grain", "cohort_day", "dimension", "dimension_value")
            .agg(
                count(lit(1)).as("entered"),
                countStatus(SlaOutcome.Status.MET).as("met"),
                countStatus(SlaOutcome.Status.BREACHED).as("breached"),
                countStatus(SlaOutcome.Status.PENDING).as("pending"),
                // Spark's exact percentile interpolates linearly between order statistics: type 7.
                percentile(col("worked_hours"), lit(0.5)).as("p50_response_hours"),
                percentile(col("worked_hours"), lit(0.9)).as("p90_response_hours"));
    Column decided = col("met").plus(col("breached"));
    Dataset<Row> rows =
        counts.select(
            lit(java.sql.Date.valueOf(asOf)).as("as_of"),
            col("sla"),
            col("grain"),
            date_from_unix_date(col("cohort_day")).as("period_start"),
            col("dimension"),
            col("dimension_value"),
            col("entered"),
            col("met"),
            col("breached"),
            col("pending"),
            when(decided.gt(0), col("met").divide(decided)).as("compliance_rate"),
            col("p50_response_hours"),
            col("p90_response_hours"));
    return Conform.toSchema(rows, Schemas.load(Schemas.SLA_COMPLIANCE));
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

  private static Column countStatus(SlaOutcome.Status status) {
    return sum(when(col("status").equalTo(status.label()), lit(1L)).otherwise(lit(0L)));
  }
}
