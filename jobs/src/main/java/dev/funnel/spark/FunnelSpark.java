package dev.funnel.spark;

import dev.funnel.config.ConfigException;
import dev.funnel.config.OutputFormat;
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

  /** Delta Lake's SQL extension and catalog: every Delta read and write needs them. */
  public static final Map<String, String> DELTA_SETTINGS =
      Map.of(
          "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
          "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  /** The Maven coordinates of the Delta Lake this product is built and tested with. */
  public static final String DELTA_PACKAGE = "io.delta:delta-spark_2.13:4.2.0";

  /**
   * A session builder with the product's settings for a command that reads or writes tables in
   * {@code format}: with Delta's extension and catalog only for {@link OutputFormat#DELTA}.
   *
   * @throws ConfigException when the format is Delta and Delta Lake is not on the classpath (a
   *     cluster jar submitted without {@code --packages} {@value #DELTA_PACKAGE})
   */
  public static SparkSession.Builder builder(String appName, String master, OutputFormat format) {
    SparkSession.Builder builder = builder(appName, master);
    if (format == OutputFormat.DELTA) {
      try {
        Class.forName(DELTA_SETTINGS.get("spark.sql.extensions"));
      } catch (ClassNotFoundException e) {
        throw ConfigException.of(
            "key '%s' is delta, but Delta Lake is not on the classpath: submit the cluster jar"
                + " with --packages %s",
            OutputFormat.KEY, DELTA_PACKAGE);
      }
      DELTA_SETTINGS.forEach(builder::config);
    }
    return builder;
  }

  /**
   * A session builder with the product's settings, for commands that read and write no published
   * tables of a configurable format. {@code master} may be null to keep what spark-submit or {@code
   * spark.master} says, falling back to {@code local[*]}.
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
