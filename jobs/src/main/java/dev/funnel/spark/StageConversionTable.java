package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.io.Schemas;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code stage_conversion}: per stage S, cohort and breakdown, how many leads first entered S and
 * how many converted, were won or lost within the window.
 */
public final class StageConversionTable {
  private StageConversionTable() {}

  /** Builds the table from the run's shared {@link ConversionCells#COUNTS}. */
  public static Dataset<Row> build(RunContext run) {
    return ConversionCells.cohortTable(
        run,
        OutputTable.schema(Schemas.STAGE_CONVERSION, run.config()),
        StageNames.name(run.config().stages(), col("stage_code").plus(1)).as("next_stage"),
        col("dimension"),
        col("dimension_value"),
        col("entered"),
        col("converted"),
        col("won"),
        col("lost"),
        col("entered").minus(col("converted")).minus(col("lost")).as("open"),
        col("converted").divide(col("entered")).as("conversion_rate"));
  }
}
