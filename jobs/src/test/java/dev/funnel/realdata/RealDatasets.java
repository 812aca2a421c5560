package dev.funnel.realdata;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;

/**
 * Turns the shared real funnel datasets (CSV, in {@code ../shared/datasets} beside the checkout)
 * into stage-event inputs: one row per stage entry, local dates and timestamps converted to
 * instants in the funnel's time zone.
 */
final class RealDatasets {
  /** Olist is a Brazilian marketplace; its dates and timestamps are São Paulo wall-clock times. */
  static final String OLIST_ZONE = "America/Sao_Paulo";

  /** The CRM export's dates are calendar days of a US company. */
  static final String CRM_ZONE = "America/New_York";

  private static final StructType OLIST_LEADS =
      new StructType()
          .add("mql_id", DataTypes.StringType)
          .add("first_contact_date", DataTypes.DateType)
          .add("landing_page_id", DataTypes.StringType)
          .add("origin", DataTypes.StringType);

  private static final StructType OLIST_DEALS =
      new StructType()
          .add("mql_id", DataTypes.StringType)
          .add("seller_id", DataTypes.StringType)
          .add("sdr_id", DataTypes.StringType)
          .add("sr_id", DataTypes.StringType)
          .add("won_date", DataTypes.TimestampType)
          .add("business_segment", DataTypes.StringType)
          .add("lead_type", DataTypes.StringType)
          .add("lead_behaviour_profile", DataTypes.StringType)
          .add("has_company", DataTypes.StringType)
          .add("has_gtin", DataTypes.StringType);

  private static final StructType CRM_PIPELINE =
      new StructType()
          .add("account", DataTypes.StringType)
          .add("opportunity_id", DataTypes.StringType)
          .add("sales_agent", DataTypes.StringType)
          .add("deal_stage", DataTypes.StringType)
          .add("product", DataTypes.StringType)
          .add("close_date", DataTypes.DateType)
          .add("close_value", DataTypes.DoubleType)
          .add("created_on", DataTypes.DateType);

  private static final StructType CRM_TEAMS =
      new StructType()
          .add("sales_agent", DataTypes.StringType)
          .add("manager", DataTypes.StringType)
          .add("regional_office", DataTypes.StringType);

  private RealDatasets() {}

  /**
   * The shared datasets folder: {@code FUNNEL_DATASETS} when set (empty if it is not a folder),
   * else the first {@code shared/datasets} found walking up from the working directory (the
   * checkout's sibling); empty when there is none.
   */
  static Optional<Path> find() {
    String override = System.getenv("FUNNEL_DATASETS");
    if (override != null && !override.isBlank()) {
      return Optional.of(Path.of(override)).filter(Files::isDirectory);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets");
      if (Files.isDirectory(candidate.resolve("olist-marketing-funnel"))
          && Files.isDirectory(candidate.resolve("crm-sales-pipeline"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Stops a test that needs the datasets when they are absent: it fails when {@code
   * FUNNEL_DATASETS_REQUIRED=true} (as in {@code .ci/run}, whose machine has them), and is skipped
   * with the reason otherwise, so that a clone without {@code ../shared} still passes its suite.
   */
  static void assumePresent() {
    if (find().isPresent()) {
      return;
    }
    String message =
        "the shared real datasets were not found (FUNNEL_DATASETS="
            + System.getenv("FUNNEL_DATASETS")
            + ", and no shared/datasets above "
            + Path.of("").toAbsolutePath()
            + "); set FUNNEL_DATASETS to the folder holding olist-marketing-funnel/ and"
            + " crm-sales-pipeline/";
    if (Boolean.parseBoolean(System.getenv("FUNNEL_DATASETS_REQUIRED"))) {
      throw new IllegalStateException(message);
    }
    Assumptions.abort(message);
  }

  private static Path root() {
    return find().orElseThrow(() -> new IllegalStateException("no shared datasets"));
  }

  /**
   * Olist: every lead becomes an {@code mql} at midnight of its first-contact day and, when a deal
   * closed, {@code won} at the won timestamp. Dimensions: origin (on the mql event),
   * business_segment and lead_type (on the won event). No amounts.
   */
  static Dataset<Row> olistEvents(SparkSession spark) {
    Path dir = root().resolve("olist-marketing-funnel");
    Dataset<Row> leads =
        csv(spark, OLIST_LEADS, dir.resolve("olist_marketing_qualified_leads_dataset.csv"));
    Dataset<Row> deals = csv(spark, OLIST_DEALS, dir.resolve("olist_closed_deals_dataset.csv"));
    Dataset<Row> mql =
        leads.select(
            col("mql_id").as("lead_id"),
            lit("mql").as("stage"),
            localToInstant(col("first_contact_date").cast(DataTypes.TimestampType), OLIST_ZONE)
                .as("entered_at"),
            lit(null).cast(DataTypes.DoubleType).as("amount"),
            col("origin"),
            lit(null).cast(DataTypes.StringType).as("business_segment"),
            lit(null).cast(DataTypes.StringType).as("lead_type"));
    Dataset<Row> won =
        deals.select(
            col("mql_id").as("lead_id"),
            lit("won").as("stage"),
            localToInstant(col("won_date"), OLIST_ZONE).as("entered_at"),
            lit(null).cast(DataTypes.DoubleType).as("amount"),
            lit(null).cast(DataTypes.StringType).as("origin"),
            col("business_segment"),
            col("lead_type"));
    return mql.unionByName(won);
  }

  /**
   * CRM export: every opportunity is {@code engaging} from its creation day and, once closed,
   * {@code won} or {@code lost} on its close day with the close value as amount. Dimensions:
   * product, sales_agent and regional_office (from the sales teams file).
   */
  static Dataset<Row> crmEvents(SparkSession spark) {
    Path dir = root().resolve("crm-sales-pipeline");
    Dataset<Row> pipeline = csv(spark, CRM_PIPELINE, dir.resolve("sales_pipeline.csv"));
    Dataset<Row> teams = csv(spark, CRM_TEAMS, dir.resolve("sales_teams.csv"));
    Dataset<Row> opportunities =
        pipeline.join(teams, pipeline.col("sales_agent").equalTo(teams.col("sales_agent")), "left");
    Column product = pipeline.col("product");
    Column agent = pipeline.col("sales_agent");
    Column office = teams.col("regional_office");
    Dataset<Row> engaging =
        opportunities.select(
            col("opportunity_id").as("lead_id"),
            lit("engaging").as("stage"),
            localToInstant(col("created_on").cast(DataTypes.TimestampType), CRM_ZONE)
                .as("entered_at"),
            lit(null).cast(DataTypes.DoubleType).as("amount"),
            product.as("product"),
            agent.as("sales_agent"),
            office.as("regional_office"));
    Dataset<Row> closed =
        opportunities
            .where(col("deal_stage").isin("Won", "Lost"))
            .select(
                col("opportunity_id").as("lead_id"),
                when(col("deal_stage").equalTo("Won"), lit("won"))
                    .otherwise(lit("lost"))
                    .as("stage"),
                localToInstant(col("close_date").cast(DataTypes.TimestampType), CRM_ZONE)
                    .as("entered_at"),
                col("close_value").as("amount"),
                product.as("product"),
                agent.as("sales_agent"),
                office.as("regional_office"));
    return engaging.unionByName(closed);
  }

  /** Writes events as a Parquet input of a few files and returns its path. */
  static String write(Dataset<Row> events, Path dir) {
    String path = dir.toString();
    events.repartition(3).write().parquet(path);
    return path;
  }

  private static Dataset<Row> csv(SparkSession spark, StructType schema, Path file) {
    return spark
        .read()
        .schema(schema)
        .option("header", "true")
        .option("mode", "FAILFAST")
        .option("timestampFormat", "yyyy-MM-dd HH:mm:ss")
        .csv(file.toString());
  }

  /** A wall-clock time of {@code zone}, read as a UTC timestamp by the session, as an instant. */
  private static Column localToInstant(Column wallClock, String zone) {
    return to_utc_timestamp(wallClock, zone);
  }
}
