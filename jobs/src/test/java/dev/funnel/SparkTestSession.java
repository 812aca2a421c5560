package dev.funnel;

import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession shared by the whole test suite. It always has Delta Lake's extension
 * and catalog (which leave Parquet reads and writes alone), so that in-process tests can run both
 * output formats on one session; the command-line tests in child JVMs get them only for delta.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  /** The shared session, created on first use. */
  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          dev.funnel.spark.FunnelSpark.builder(
                  "funnel-tests", "local[2]", dev.funnel.config.OutputFormat.DELTA)
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              // Delta rebuilds a table's state in 50 partitions by default: slow for tiny tables.
              .config("spark.databricks.delta.snapshotPartitions", "2")
              .getOrCreate();
    }
    return session;
  }
}
