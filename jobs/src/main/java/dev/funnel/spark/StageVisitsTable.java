package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
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

  /** Builds the table from {@link LeadHistories} visit facts. */
  public static Dataset<Row> build(Dataset<Row> facts, FunnelConfig config, LocalDate asOf) {
    List<Column> columns = new ArrayList<>();
    columns.add(lit(java.sql.Date.valueOf(asOf)).as("as_of"));
    columns.add(col("lead_id"));
    columns.add(StageNames.name(config.stages(), col("stage")).as("stage"));
    columns.add(col("visit_number").as("visit_number"));
    columns.add(timestamp_micros(col("entered_at")).as("entered_at"));
    columns.add(timestamp_micros(col("exited_at")).as("exited_at"));
    columns.add(StageNames.name(config.stages(), col("next_stage")).as("next_stage"));
    columns.add(col("duration_hours").as("duration_hours"));
    columns.add(col("is_open").as("is_open"));
    List<String> dimensions = config.dimensions();
    for (int d = 0; d < dimensions.size(); d++) {
      columns.add(col(LeadHistories.DIM + d).as(dimensions.get(d)));
    }
    Dataset<Row> rows = facts.select(columns.toArray(Column[]::new));
    return Conform.toSchema(rows, Schemas.load(Schemas.STAGE_VISITS, dimensions));
  }
}
