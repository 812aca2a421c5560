package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
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
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code sla_compliance} and {@code sla_breaches}, from each lead's SLA standing computed in the
 * lead pass ({@link SlaOutcome}).
 */
public final class SlaTables {
  /** The periods of sla_compliance. */
  public static final List<Grain> GRAINS = List.of(Grain.DAY, Grain.WEEK, Grain.MONTH);

  private SlaTables() {}

  /** Per SLA, grain, period of first entry and breakdown: met, breached, pending, percentiles. */
  public static Dataset<Row> compliance(Dataset<Row> leads, FunnelConfig config, LocalDate asOf) {
    if (config.slas().isEmpty()) {
      return empty(leads, Schemas.load(Schemas.SLA_COMPLIANCE));
    }
    Dataset<Row> cells =
        leads
            .select(col("dims"), explode(col("slas")).as("s"))
            .select(
                col("s.sla").as("sla_index"),
                col("s.status").as("status"),
                when(col("s.worked"), col("s.response_hours")).as("worked_hours"),
                inline(Cohorts.cells(GRAINS, "s.", config.dimensions())));
    Dataset<Row> counts =
        cells
            .groupBy("sla_index", "grain", "cohort_day", "dimension", "dimension_value")
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
            slaName(config, col("sla_index")).as("sla"),
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
  public static Dataset<Row> breaches(Dataset<Row> leads, FunnelConfig config, LocalDate asOf) {
    if (config.slas().isEmpty()) {
      return empty(leads, Schemas.load(Schemas.SLA_BREACHES, config.dimensions()));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(lit(java.sql.Date.valueOf(asOf)).as("as_of"));
    columns.add(slaName(config, col("s.sla")).as("sla"));
    columns.add(col("lead_id"));
    columns.add(timestamp_micros(col("s.entered_at")).as("entered_at"));
    columns.add(timestamp_micros(col("s.worked_at")).as("worked_at"));
    columns.add(col("s.response_hours").as("response_hours"));
    columns.add(withinHours(config, col("s.sla")).as("within_hours"));
    List<String> dimensions = config.dimensions();
    for (int d = 0; d < dimensions.size(); d++) {
      columns.add(element_at(col("dims"), d + 1).as(dimensions.get(d)));
    }
    Dataset<Row> rows =
        leads
            .select(col("lead_id"), col("dims"), explode(col("slas")).as("s"))
            .where(col("s.status").equalTo(SlaOutcome.Status.BREACHED.label()))
            .select(columns.toArray(Column[]::new));
    return Conform.toSchema(rows, Schemas.load(Schemas.SLA_BREACHES, dimensions));
  }

  private static Dataset<Row> empty(Dataset<Row> leads, StructType schema) {
    return leads.sparkSession().createDataFrame(List.of(), schema);
  }

  private static Column countStatus(SlaOutcome.Status status) {
    return sum(when(col("status").equalTo(status.label()), lit(1L)).otherwise(lit(0L)));
  }

  private static Column slaName(FunnelConfig config, Column index) {
    Column[] names = config.slas().stream().map(s -> lit(s.name())).toArray(Column[]::new);
    if (names.length == 0) {
      return lit(null).cast("string");
    }
    return functions.when(index.isNotNull(), element_at(functions.array(names), index.plus(1)));
  }

  private static Column withinHours(FunnelConfig config, Column index) {
    Column result = lit(null).cast("double");
    List<SlaDefinition> slas = config.slas();
    for (int i = slas.size() - 1; i >= 0; i--) {
      result = when(index.equalTo(i), lit(slas.get(i).withinHours())).otherwise(result);
    }
    return result;
  }
}
