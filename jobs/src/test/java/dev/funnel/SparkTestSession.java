package dev.funnel;

import org.apache.spark.sql.SparkSession;

/** The one local SparkSession shared by the whole test suite. */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  /** The shared session, created on first use. */
  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          dev.funnel.spark.FunnelSpark.builder("funnel-tests", "local[2]")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              .getOrCreate();
    }
    return session;
  }
}
