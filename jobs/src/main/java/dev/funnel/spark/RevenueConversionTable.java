package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code revenue_conversion}: what a lead entering a stage is worth. Same cohorts and window as
 * {@code stage_conversion}; won leads' amounts are their last non-null amount known at the as-of
 * instant, 0 if none.
 */
public final class RevenueConversionTable {
  private RevenueConversionTable() {}

  /** Builds the table from {@link ConversionCells#aggregate} counts. */
  public static Dataset<Row> build(
      Dataset<Row> counts, FunnelConfig config, LocalDate asOfDay, Instant asOf) {
    Dataset<Row> rows =
        counts.select(
            ConversionCells.cohortRow(
                config,
                asOfDay,
                col("dimension"),
                col("dimension_value"),
                col("entered"),
                col("won"),
                col("won_amount"),
                col("won").divide(col("entered")).as("win_rate"),
                col("won_amount").divide(col("entered")).as("revenue_per_lead"),
                Cohorts.mature(config, asOf).apply(col("grain"), col("cohort_day")).as("mature")));
    return Conform.toSchema(rows, Schemas.load(Schemas.REVENUE_CONVERSION));
  }
}
