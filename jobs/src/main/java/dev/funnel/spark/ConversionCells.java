package dev.funnel.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.funnel.config.FunnelConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Cohort counts shared by {@code stage_conversion} and {@code revenue_conversion}: per grain,
 * cohort, stage and breakdown, the leads that first entered the stage and how many of them
 * converted, were won (with their amounts) or lost within the window. The per-lead outcome comes
 * from the lead pass ({@link dev.funnel.timeline.StageEntry}); this only adds it up.
 */
public final class ConversionCells {
  /** The run's conversion counts ({@link #aggregate} of its facts), shared by both tables. */
  public static final SharedResult COUNTS =
      SharedResult.of("conversion counts", run -> aggregate(run.facts(), run.config()));

  private ConversionCells() {}

  /**
   * Aggregates the first stage entries of {@link LeadHistories} visit facts into (grain,
   * cohort_day, stage_code, dimension, dimension_value, entered, converted, won, lost, won_amount).
   */
  public static Dataset<Row> aggregate(Dataset<Row> facts, FunnelConfig config) {
    Dataset<Row> cells =
        facts
            .where(col(VisitFacts.IS_ENTRY))
            .select(
                col(VisitFacts.STAGE).as("stage_code"),
                col(VisitFacts.CONVERTED).as("is_converted"),
                col(VisitFacts.WON).as("is_won"),
                col(VisitFacts.LOST).as("is_lost"),
                coalesce(col(VisitFacts.LEAD_AMOUNT), lit(0.0)).as("lead_amount"),
                inline(Cohorts.cells(Cohorts.CORE_GRAINS, config.dimensions())));
    return cells
        .groupBy("grain", "cohort_day", "stage_code", "dimension", "dimension_value")
        .agg(
            count(lit(1)).as("entered"),
            countTrue("is_converted").as("converted"),
            countTrue("is_won").as("won"),
            countTrue("is_lost").as("lost"),
            Amounts.sumOf(when(col("is_won"), col("lead_amount")).otherwise(lit(0.0)))
                .as("won_amount"));
  }

  /**
   * A cohort table from the run's shared {@link #COUNTS}: as_of, grain, cohort_start and stage,
   * then the given columns, then {@code mature}; shaped to {@code schema}.
   */
  static Dataset<Row> cohortTable(RunContext run, StructType schema, Column... rest) {
    FunnelConfig config = run.config();
    List<Column> columns = new ArrayList<>();
    columns.add(lit(java.sql.Date.valueOf(run.asOfDay())).as("as_of"));
    columns.add(col("grain"));
    columns.add(date_from_unix_date(col("cohort_day")).as("cohort_start"));
    columns.add(StageNames.name(config.stages(), col("stage_code")).as("stage"));
    columns.addAll(List.of(rest));
    columns.add(
        Cohorts.mature(config, run.asOf()).apply(col("grain"), col("cohort_day")).as("mature"));
    return Conform.toSchema(run.shared(COUNTS).select(columns.toArray(Column[]::new)), schema);
  }

  private static Column countTrue(String flag) {
    return sum(when(col(flag), lit(1L)).otherwise(lit(0L)));
  }
}
