package dev.funnel.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.funnel.config.FunnelConfig;
import dev.funnel.report.ReportInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Reads what the weekly report needs from one run's published tables, through the declared schemas
 * and by column name. Only small aggregates reach the driver: the breach list is grouped per owner
 * and cut to the oldest unworked leads in Spark.
 */
public final class ReportTables {
  /** The dimension whose values are the people who work the leads. */
  public static final String OWNER_DIMENSION = "owner";

  /** Weeks of weekly rows read before the as-of's week: trend charts plus their baselines. */
  static final int WEEKS_READ = 30;

  /** Months of monthly rows read: the as-of's month and the three before it. */
  static final int MONTHS_READ = 4;

  /** Oldest unworked breaches listed per SLA. */
  static final int UNWORKED_LISTED = 5;

  private final SparkSession spark;
  private final FunnelConfig config;
  private final Path output;
  private final TableStore store;

  /** A reader of the tables under {@code output}, stored in the configured output format. */
  public ReportTables(SparkSession spark, FunnelConfig config, String output) {
    this.spark = spark;
    this.config = config;
    this.output = new Path(output);
    this.store = TableStore.of(spark, output, config.outputFormat());
  }

  /**
   * The latest as-of day between {@code first} and {@code last} (inclusive) with a completed run
   * (its manifest under {@code _runs/}), if any.
   */
  public Optional<LocalDate> latestRun(LocalDate first, LocalDate last) {
    Path runs = new Path(output, "_runs");
    LocalDate latest = null;
    try {
      FileSystem fs = runs.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(runs)) {
        return Optional.empty();
      }
      for (FileStatus status : fs.listStatus(runs)) {
        String name = status.getPath().getName();
        if (!status.isFile() || !name.matches("\\d{4}-\\d{2}-\\d{2}\\.json")) {
          continue;
        }
        LocalDate day = LocalDate.parse(name.substring(0, 10));
        if (!day.isBefore(first) && !day.isAfter(last) && (latest == null || day.isAfter(latest))) {
          latest = day;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runs, e);
    }
    return Optional.ofNullable(latest);
  }

  /** Reads the report's rows of the run as of {@code asOf}. */
  public ReportInput read(LocalDate asOf) {
    LocalDate weekStart = dev.funnel.calendar.Grain.WEEK.periodStart(asOf);
    Date firstWeek = Date.valueOf(weekStart.minusWeeks(WEEKS_READ));
    Date firstMonth = Date.valueOf(asOf.withDayOfMonth(1).minusMonths(MONTHS_READ - 1));
    Column recent =
        col("grain")
            .equalTo("week")
            .and(col("cohort_start").geq(firstWeek))
            .or(col("grain").equalTo("month").and(col("cohort_start").geq(firstMonth)));
    Column total = col("dimension").equalTo("(all)");
    List<ReportInput.Conversion> conversion =
        rows(table(Schemas.STAGE_CONVERSION, asOf).where(recent), ReportTables::conversion);
    List<ReportInput.Time> times =
        rows(table(Schemas.TIME_IN_STAGE, asOf).where(recent), ReportTables::time);
    List<ReportInput.Revenue> revenue =
        rows(
            table(Schemas.REVENUE_CONVERSION, asOf)
                .where(col("grain").equalTo("month").and(total))
                .where(col("cohort_start").geq(firstMonth)),
            ReportTables::revenue);
    List<ReportInput.Sla> sla = List.of();
    List<ReportInput.OwnerBreaches> owners = List.of();
    List<ReportInput.Unworked> unworked = List.of();
    if (!config.slas().isEmpty()) {
      sla =
          rows(
              table(Schemas.SLA_COMPLIANCE, asOf)
                  .where(
                      col("grain")
                          .equalTo("week")
                          .and(col("period_start").geq(firstWeek))
                          .or(
                              col("grain")
                                  .equalTo("month")
                                  .and(col("period_start").geq(firstMonth)))),
              ReportTables::sla);
      Dataset<Row> breaches = breaches(asOf);
      if (config.dimensions().contains(OWNER_DIMENSION)) {
        Instant monthStart = asOf.withDayOfMonth(1).atStartOfDay(config.zone()).toInstant();
        owners =
            rows(
                breaches
                    .where(col("entered_at").geq(Timestamp.from(monthStart)))
                    .groupBy(col("sla"), col(OWNER_DIMENSION))
                    .agg(
                        count(lit(1)).as("breaches"),
                        sum(when(col("worked_at").isNull(), 1).otherwise(0)).as("unworked")),
                r ->
                    new ReportInput.OwnerBreaches(
                        r.getAs("sla"),
                        r.getAs(OWNER_DIMENSION),
                        r.<Long>getAs("breaches"),
                        r.<Long>getAs("unworked")));
      }
      Column owner =
          config.dimensions().contains(OWNER_DIMENSION)
              ? col(OWNER_DIMENSION)
              : lit(null).cast("string");
      unworked =
          rows(
              breaches
                  .where(col("worked_at").isNull())
                  .withColumn(
                      "rank",
                      row_number()
                          .over(
                              Window.partitionBy("sla").orderBy(col("entered_at"), col("lead_id"))))
                  .where(col("rank").leq(UNWORKED_LISTED))
                  .select(
                      col("sla"),
                      col("lead_id"),
                      owner.as("owner"),
                      col("entered_at"),
                      col("response_hours")),
              r ->
                  new ReportInput.Unworked(
                      r.getAs("sla"),
                      r.getAs("lead_id"),
                      r.getAs("owner"),
                      r.<Timestamp>getAs("entered_at").toInstant(),
                      r.<Double>getAs("response_hours")));
    }
    List<ReportInput.Target> targets =
        config.targets().isEmpty()
            ? List.of()
            : rows(table(Schemas.TARGETS, asOf), ReportTables::target);
    List<ReportInput.Check> anomalies =
        rows(
            table(Schemas.ANOMALIES, asOf),
            r -> check(r, !"INSUFFICIENT_DATA".equals(r.getAs("kind"))));
    List<ReportInput.Check> checks =
        rows(table(Schemas.ANOMALY_CHECKS, asOf), r -> check(r, r.<Boolean>getAs("flagged")));
    return new ReportInput(
        asOf, conversion, times, revenue, sla, targets, owners, unworked, anomalies, checks);
  }

  private Dataset<Row> breaches(LocalDate asOf) {
    return read(
        Schemas.SLA_BREACHES, Schemas.load(Schemas.SLA_BREACHES, config.dimensions()), asOf);
  }

  private Dataset<Row> table(String table, LocalDate asOf) {
    return read(table, Schemas.load(table), asOf);
  }

  private Dataset<Row> read(String table, StructType schema, LocalDate asOf) {
    if (!PublishedTable.exists(store, table, asOf)) {
      throw InputException.of(
          "the report needs table %s of the run as of %s, which is missing (%s does not exist;"
              + " re-run that day without --core-only)",
          table, asOf, store.location(table, asOf));
    }
    return store.read(table, schema, List.of(asOf));
  }

  private static <T> List<T> rows(Dataset<Row> rows, Function<Row, T> map) {
    List<T> out = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      out.add(map.apply(row));
    }
    return out;
  }

  private static ReportInput.Conversion conversion(Row r) {
    return new ReportInput.Conversion(
        r.getAs("grain"),
        date(r, "cohort_start"),
        r.getAs("stage"),
        r.getAs("next_stage"),
        r.getAs("dimension"),
        r.getAs("dimension_value"),
        r.<Long>getAs("entered"),
        r.<Long>getAs("converted"),
        r.<Double>getAs("conversion_rate"),
        r.<Boolean>getAs("mature"));
  }

  private static ReportInput.Time time(Row r) {
    return new ReportInput.Time(
        r.getAs("grain"),
        date(r, "cohort_start"),
        r.getAs("stage"),
        r.getAs("dimension"),
        r.getAs("dimension_value"),
        r.<Long>getAs("visits"),
        r.<Long>getAs("open"),
        r.getAs("km_p50_hours"),
        r.getAs("km_p90_hours"));
  }

  private static ReportInput.Revenue revenue(Row r) {
    return new ReportInput.Revenue(
        r.getAs("grain"),
        date(r, "cohort_start"),
        r.getAs("stage"),
        r.<Long>getAs("entered"),
        r.<Long>getAs("won"),
        r.<Double>getAs("won_amount"),
        r.<Double>getAs("revenue_per_lead"),
        r.<Boolean>getAs("mature"));
  }

  private static ReportInput.Sla sla(Row r) {
    return new ReportInput.Sla(
        r.getAs("sla"),
        r.getAs("grain"),
        date(r, "period_start"),
        r.getAs("dimension"),
        r.getAs("dimension_value"),
        r.<Long>getAs("entered"),
        r.<Long>getAs("met"),
        r.<Long>getAs("breached"),
        r.<Long>getAs("pending"),
        r.getAs("compliance_rate"));
  }

  private static ReportInput.Target target(Row r) {
    return new ReportInput.Target(
        r.getAs("target"),
        r.getAs("stage"),
        r.getAs("kind"),
        r.getAs("currency"),
        date(r, "period_start"),
        r.<Double>getAs("goal"),
        r.<Double>getAs("actual"),
        r.<Boolean>getAs("complete"),
        r.<Double>getAs("elapsed_fraction"),
        r.<Double>getAs("projected"),
        r.<Boolean>getAs("on_track"));
  }

  private static ReportInput.Check check(Row r, boolean flagged) {
    return new ReportInput.Check(
        r.getAs("kind"),
        r.getAs("severity"),
        r.getAs("grain"),
        date(r, "period_start"),
        r.getAs("stage"),
        r.getAs("dimension"),
        r.getAs("dimension_value"),
        r.getAs("metric"),
        r.getAs("observed"),
        r.getAs("expected"),
        r.getAs("lower"),
        r.getAs("upper"),
        r.<Long>getAs("n"),
        r.getAs("p_value"),
        r.getAs("q_value"),
        r.getAs("detectable_effect"),
        date(r, "first_flagged"),
        flagged,
        r.getAs("message"));
  }

  private static LocalDate date(Row r, String column) {
    Object value = r.getAs(column);
    if (value == null) {
      return null;
    }
    return value instanceof LocalDate d ? d : ((Date) value).toLocalDate();
  }
}
