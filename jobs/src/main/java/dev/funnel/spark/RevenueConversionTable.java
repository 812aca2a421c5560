package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.io.Schemas;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code revenue_conversion}: what a lead entering a stage is worth. Same cohorts and window as
 * {@code stage_conversion}; won leads' amounts are their last non-null amount known at the as-of
 * instant, 0 if none.
 */
public final class RevenueConversionTable {
  private RevenueConversionTable() {}

  /** Builds the table from the run's shared {@link ConversionCells#COUNTS}. */
  public static Dataset<Row> build(RunContext run) {
    return ConversionCells.cohortTable(
        run,
        OutputTable.schema(Schemas.REVENUE_CONVERSION, run.config()),
        col("dimension"),
        col("dimension_value"),
        col("entered"),
        col("won"),
        col("won_amount"),
        col("won").divide(col("entered")).as("win_rate"),
        col("won_amount").divide(col("entered")).as("revenue_per_lead"));
  }
}
