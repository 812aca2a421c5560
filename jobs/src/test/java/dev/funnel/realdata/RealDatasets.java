package dev.funnel.realdata;

import dev.funnel.config.ConfigLoader;
import dev.funnel.config.FunnelConfig;
import dev.funnel.config.ImportSection;
import dev.funnel.io.CsvImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;

/**
 * Turns the shared real funnel datasets (CSV, in {@code ../shared/datasets} beside the checkout)
 * into stage-event inputs with the {@code import} command's code, by configuration alone: local
 * dates and timestamps are wall-clock times of the funnel's time zone.
 */
final class RealDatasets {
  /**
   * The funnel of the Olist dataset, and its two imports (one per file). Olist is a Brazilian
   * marketplace: its dates and timestamps are São Paulo wall-clock times.
   */
  static final String OLIST_FUNNEL =
      "name: olist\n"
          + "timezone: America/Sao_Paulo\n"
          + "stages: [mql, won]\n"
          + "lost_stages: []\n"
          + "conversion_window_days: 90\n"
          + "dimensions: [origin, business_segment, lead_type]\n";

  /** Every lead is an mql from midnight of its first-contact day; origin is on that event. */
  static final String OLIST_LEADS_IMPORT =
      "import:\n"
          + "  layout: wide\n"
          + "  timestamp_format: yyyy-MM-dd\n"
          + "  columns: {lead_id: mql_id, business_segment: null, lead_type: null}\n"
          + "  stage_columns: {mql: first_contact_date}\n";

  /** A closed deal is won at its won timestamp, with its business segment and lead type. */
  static final String OLIST_DEALS_IMPORT =
      "import:\n"
          + "  layout: wide\n"
          + "  timestamp_format: yyyy-MM-dd HH:mm:ss\n"
          + "  columns: {lead_id: mql_id, origin: null}\n"
          + "  stage_columns: {won: won_date}\n";

  /**
   * The CRM export: every opportunity is engaging from its creation day and, once closed, won or
   * lost on its close day with the close value as its amount; In_Progress ones stay open. The
   * regional office is in another file (sales_teams.csv), which an import of one file cannot join,
   * so the dimensions are the product and the sales agent.
   */
  static final String CRM_FUNNEL = // a US company: its dates are New York calendar days
      "name: crm\n"
          + "timezone: America/New_York\n"
          + "stages: [engaging, won]\n"
          + "lost_stages: [lost]\n"
          + "conversion_window_days: 60\n"
          + "dimensions: [product, sales_agent]\n"
          + "import:\n"
          + "  layout: wide\n"
          + "  timestamp_format: yyyy-MM-dd\n"
          + "  columns: {lead_id: opportunity_id, amount: close_value}\n"
          + "  stage_columns: {engaging: created_on}\n"
          + "  outcome: {column: deal_stage, date: close_date, values: {Won: won, Lost: lost}}\n";

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
   * Imports the Olist files with the {@code import} command's code, one import per file into {@code
   * dir/leads} and {@code dir/deals}; returns {@code dir}, the input of the run.
   */
  static Imported olist(SparkSession spark, Path configDir, Path dir) {
    Path olist = root().resolve("olist-marketing-funnel");
    CsvImport.Result leads =
        importFile(
            spark,
            configDir.resolve("olist-leads.yaml"),
            OLIST_FUNNEL + OLIST_LEADS_IMPORT,
            olist.resolve("olist_marketing_qualified_leads_dataset.csv"),
            dir.resolve("leads"));
    CsvImport.Result deals =
        importFile(
            spark,
            configDir.resolve("olist-deals.yaml"),
            OLIST_FUNNEL + OLIST_DEALS_IMPORT,
            olist.resolve("olist_closed_deals_dataset.csv"),
            dir.resolve("deals"));
    return new Imported(dir.toString(), List.of(leads, deals));
  }

  /** Imports the CRM pipeline file into {@code dir}. */
  static Imported crm(SparkSession spark, Path configDir, Path dir) {
    CsvImport.Result pipeline =
        importFile(
            spark,
            configDir.resolve("crm.yaml"),
            CRM_FUNNEL,
            root().resolve("crm-sales-pipeline").resolve("sales_pipeline.csv"),
            dir);
    return new Imported(dir.toString(), List.of(pipeline));
  }

  /** An imported dataset: the folder to run on and each import's accounting. */
  record Imported(String input, List<CsvImport.Result> imports) {}

  private static CsvImport.Result importFile(
      SparkSession spark, Path config, String yaml, Path csv, Path out) {
    try {
      Files.writeString(config, yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    FunnelConfig funnel = ConfigLoader.load(config);
    return new CsvImport(spark, funnel, ImportSection.load(config, funnel))
        .run(List.of(csv.toString()), out.toString());
  }
}
