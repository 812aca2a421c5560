package dev.funnel.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.funnel.config.FunnelConfig;
import dev.funnel.io.Schemas;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code stage_conversion}: per stage S, cohort and breakdown, how many leads first entered S and
 * how many converted, were won or lost within the window. Aggregates the lead pass's first stage
 * entries; the conversion rule itself lives in {@link dev.funnel.timeline.StageEntry}.
 */
public final class StageConversionTable {
  private StageConversionTable() {}

  /** Builds the table from {@link LeadHistories#LEAD} rows. */
  public static Dataset<Row> build(
      Dataset<Row> leads, FunnelConfig config, LocalDate asOfDay, Instant asOf) {
    Dataset<Row> cells =
        leads
            .select(col("dims"), explode(col("entries")).as("e"))
            .select(
                col("e.stage").as("stage_code"),
                col("e.converted").as("is_converted"),
                col("e.won").as("is_won"),
                col("e.lost").as("is_lost"),
                inline(Cohorts.cells(Cohorts.CORE_GRAINS, "e.", config.dimensions())));
    Dataset<Row> counts =
        cells
            .groupBy("grain", "cohort_day", "stage_code", "dimension", "dimension_value")
            .agg(
                count(lit(1)).as("entered"),
                countTrue("is_converted").as("converted"),
                countTrue("is_won").as("won"),
                countTrue("is_lost").as("lost"));
    Dataset<Row> rows =
        counts.select(
            lit(java.sql.Date.valueOf(asOfDay)).as("as_of"),
            col("grain"),
            date_from_unix_date(col("cohort_day")).as("cohort_start"),
            StageNames.name(config.stages(), col("stage_code")).as("stage"),
            StageNames.name(config.stages(), col("stage_code").plus(1)).as("next_stage"),
            col("dimension"),
            col("dimension_value"),
            col("entered"),
            col("converted"),
            col("won"),
            col("lost"),
            col("entered").minus(col("converted")).minus(col("lost")).as("open"),
            col("converted").divide(col("entered")).as("conversion_rate"),
            Cohorts.mature(config, asOf).apply(col("grain"), col("cohort_day")).as("mature"));
    return Conform.toSchema(rows, Schemas.load(Schemas.STAGE_CONVERSION));
  }

  private static Column countTrue(String flag) {
    return sum(when(col(flag), lit(1L)).otherwise(lit(0L)));
  }
}
