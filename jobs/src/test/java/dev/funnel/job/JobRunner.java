package dev.funnel.job;

import static org.apache.spark.sql.functions.col;

import dev.funnel.Events;
import dev.funnel.SparkTestSession;
import dev.funnel.config.FunnelConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Runs the nightly job on fixture events and reads its tables back, for short assertions. */
final class JobRunner {
  final SparkSession spark = SparkTestSession.get();
  final String output;
  final FunnelConfig config;
  RunResult result;
  LocalDate asOf;

  JobRunner(Path tmp, FunnelConfig config) {
    this.output = tmp.resolve("out").toString();
    this.config = config;
  }

  JobRunner run(Events events, Path tmp, String asOfDay) {
    String input = events.write(spark, tmp);
    asOf = LocalDate.parse(asOfDay);
    result = new NightlyJob(spark, config).run(new RunRequest(input, output, asOf));
    return this;
  }

  Dataset<Row> table(String name) {
    return spark.read().parquet(output + "/" + name + "/as_of=" + asOf);
  }

  /** The (all) rows of stage_conversion for one grain and stage, by cohort. */
  List<Row> conversion(String grain, String stage) {
    return table("stage_conversion")
        .where(
            col("grain")
                .equalTo(grain)
                .and(col("stage").equalTo(stage))
                .and(col("dimension").equalTo("(all)")))
        .orderBy("cohort_start")
        .collectAsList();
  }

  /** The time_in_stage row of one cell. */
  Row timeInStage(String grain, String cohort, String stage, String dimension, String value) {
    List<Row> rows =
        table("time_in_stage")
            .where(
                col("grain")
                    .equalTo(grain)
                    .and(col("cohort_start").equalTo(java.sql.Date.valueOf(cohort)))
                    .and(col("stage").equalTo(stage))
                    .and(col("dimension").equalTo(dimension))
                    .and(col("dimension_value").equalTo(value)))
            .collectAsList();
    if (rows.size() != 1) {
      throw new AssertionError("expected one time_in_stage row, found " + rows);
    }
    return rows.get(0);
  }
}
