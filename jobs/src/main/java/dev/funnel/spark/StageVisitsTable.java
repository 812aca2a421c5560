package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@code stage_visits}: one row per visit, from the lead pass; no shuffle. */
public final class StageVisitsTable {
  private StageVisitsTable() {}

  /** Builds the table from the run's {@link VisitFacts}. */
  public static Dataset<Row> build(RunContext run) {
    FunnelConfig config = run.config();
    List<Column> columns = new ArrayList<>();
    columns.add(lit(java.sql.Date.valueOf(run.asOfDay())).as("as_of"));
    columns.add(col(VisitFacts.LEAD_ID));
    columns.add(StageNames.name(config.stages(), col(VisitFacts.STAGE)).as("stage"));
    columns.add(col(VisitFacts.VISIT_NUMBER).as("visit_number"));
    columns.add(timestamp_micros(col(VisitFacts.ENTERED_AT)).as("entered_at"));
    columns.add(timestamp_micros(col(VisitFacts.EXITED_AT)).as("exited_at"));
    columns.add(StageNames.name(config.stages(), col(VisitFacts.NEXT_STAGE)).as("next_stage"));
    columns.add(col(VisitFacts.DURATION_HOURS).as("duration_hours"));
    columns.add(col(VisitFacts.IS_OPEN).as("is_open"));
    columns.addAll(VisitFacts.namedDimensions(config.dimensions()));
    Dataset<Row> rows = run.facts().select(columns.toArray(Column[]::new));
    return Conform.toSchema(rows, OutputTable.schema(Schemas.STAGE_VISITS, run.config()));
  }
}
