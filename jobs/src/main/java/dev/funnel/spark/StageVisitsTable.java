package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@code stage_visits}: one row per visit, from the lead pass; no shuffle. */
public final class StageVisitsTable {
  private StageVisitsTable() {}

  /** Builds the table from {@link LeadHistories#LEAD} rows. */
  public static Dataset<Row> build(Dataset<Row> leads, FunnelConfig config, LocalDate asOf) {
    List<Column> columns = new ArrayList<>();
    columns.add(lit(java.sql.Date.valueOf(asOf)).as("as_of"));
    columns.add(col("lead_id"));
    columns.add(StageNames.name(config.stages(), col("v.stage")).as("stage"));
    columns.add(col("v.visit_number").as("visit_number"));
    columns.add(timestamp_micros(col("v.entered_at")).as("entered_at"));
    columns.add(timestamp_micros(col("v.exited_at")).as("exited_at"));
    columns.add(StageNames.name(config.stages(), col("v.next_stage")).as("next_stage"));
    columns.add(col("v.duration_hours").as("duration_hours"));
    columns.add(col("v.is_open").as("is_open"));
    List<String> dimensions = config.dimensions();
    for (int d = 0; d < dimensions.size(); d++) {
      columns.add(element_at(col("dims"), d + 1).as(dimensions.get(d)));
    }
    Dataset<Row> rows =
        leads
            .select(col("lead_id"), col("dims"), explode(col("visits")).as("v"))
            .select(columns.toArray(Column[]::new));
    return Conform.toSchema(rows, Schemas.load(Schemas.STAGE_VISITS, dimensions));
  }
}
