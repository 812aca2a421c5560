package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code stage_conversion}: per stage S, cohort and breakdown, how many leads first entered S and
 * how many converted, were won or lost within the window.
 */
public final class StageConversionTable {
  private StageConversionTable() {}

  /** Builds the table from {@link ConversionCells#aggregate} counts. */
  public static Dataset<Row> build(
      Dataset<Row> counts, FunnelConfig config, LocalDate asOfDay, Instant asOf) {
    Dataset<Row> rows =
        counts.select(
            ConversionCells.cohortRow(
                config,
                asOfDay,
                StageNames.name(config.stages(), col("stage_code").plus(1)).as("next_stage"),
                col("dimension"),
                col("dimension_value"),
                col("entered"),
                col("converted"),
                col("won"),
                col("lost"),
                col("entered").minus(col("converted")).minus(col("lost")).as("open"),
                col("converted").divide(col("entered")).as("conversion_rate"),
                Cohorts.mature(config, asOf).apply(col("grain"), col("cohort_day")).as("mature")));
    return Conform.toSchema(rows, Schemas.load(Schemas.STAGE_CONVERSION));
  }
}
