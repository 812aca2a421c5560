package dev.funnel.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark settings every session of this product needs. Only entry points (and the shared test
 * session) build sessions; everything else receives one.
 */
public final class FunnelSpark {
  private FunnelSpark() {}

  /** Settings that make output identical wherever the job runs. */
  public static final Map<String, String> REQUIRED_SETTINGS =
      Map.of(
          "spark.sql.session.timeZone", "UTC",
          "spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS",
          "spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED",
          "spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED",
          "spark.sql.sources.partitionOverwriteMode", "static",
          "spark.sql.ansi.enabled", "true");

  /**
   * A session builder with the product's settings. {@code master} may be null to keep what
   * spark-submit or {@code spark.master} says, falling back to {@code local[*]}.
   */
  public static SparkSession.Builder builder(String appName, String master) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    String configured = System.getProperty("spark.master");
    if (master != null) {
      builder.master(master);
    } else if (configured == null) {
      builder.master("local[*]");
    }
    REQUIRED_SETTINGS.forEach(builder::config);
    builder.config("spark.ui.showConsoleProgress", "false");
    return builder;
  }
}
