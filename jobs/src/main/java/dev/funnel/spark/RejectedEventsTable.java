package dev.funnel.spark;

import static org.apache.spark.sql.functions.lit;

import dev.funnel.io.Schemas;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code rejected_events}: the input rows that could not be used, with their reason. Writing it
 * scans the input once more; every row's class is counted in that same scan ({@link
 * RunContext#rowClasses}), which the row accounting then checks.
 */
public final class RejectedEventsTable {
  private RejectedEventsTable() {}

  /** The rejected rows of the run's classified input, observed by {@link RunContext#rowClasses}. */
  public static Dataset<Row> build(RunContext run) {
    return Conform.toSchema(
        EventCleaning.rejected(EventCleaning.observeClasses(run.classified(), run.rowClasses()))
            .withColumn("as_of", lit(java.sql.Date.valueOf(run.asOfDay()))),
        OutputTable.schema(Schemas.REJECTED_EVENTS, run.config()));
  }
}
